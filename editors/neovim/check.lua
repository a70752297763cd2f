-- editors/test.sh: Neovim, headless, with accord.lua on a copy of the brief's
-- ruleset where `children` is misspelt `childern` (programs.accord, line 8,
-- column 53): the server's diagnostic arrives, and a hover on the threshold
-- (line 7) shows its label. Prints what it got; exits 1 when either is missing.
local ok = vim.wait(10000, function() return #vim.diagnostic.get(0) > 0 end, 50)
local got = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  local line = string.format("diagnostic %d:%d %s %s", d.lnum + 1, d.col + 1, d.code or "", d.message:gsub("\n.*", ""))
  print(line)
  table.insert(got, line)
end
local params = { textDocument = vim.lsp.util.make_text_document_params(), position = { line = 6, character = 45 } }
local hover = ""
for _, r in pairs(vim.lsp.buf_request_sync(0, "textDocument/hover", params, 10000) or {}) do
  if r.result then hover = r.result.contents.value:gsub("\n.*", "") end
end
print("hover: " .. hover)
local pass = ok
  and got[1] == "diagnostic 8:53 E0102 unknown name `childern`"
  and hover == "**Vulnerability score threshold** — parameter `family_benefit_threshold`"
vim.cmd(pass and "qa!" or "cq")
