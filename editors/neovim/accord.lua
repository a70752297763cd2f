-- Accord in Neovim (0.7 and later): `.accord` files get the filetype `accord`,
-- and each folder of them one `accord lsp` (a folder's files are one ruleset).
-- Put this file in ~/.config/nvim/plugin/, or `dofile` it from init.lua.
vim.cmd([[autocmd BufRead,BufNewFile *.accord setfiletype accord]])
local clients = {}
vim.api.nvim_create_autocmd("FileType", {
  pattern = "accord",
  callback = function(args)
    local root = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(args.buf), ":p:h")
    local id = clients[root]
    if not id then
      id = vim.lsp.start_client({
        name = "accord",
        cmd = { "accord", "lsp" },
        root_dir = root,
      })
      clients[root] = id
    end
    vim.lsp.buf_attach_client(args.buf, id)
  end,
})
