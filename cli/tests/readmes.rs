//! The examples' READMEs show commands and what they print: every ```sh block
//! holding one `accord` command and followed by a ```text block is run from the
//! repository's root, and each line of the text block must be printed, in that
//! order (`…` stands for lines left out). So a README cannot drift from what the
//! engine says.

mod common;
use common::{code, repo, stderr, stdout};

use std::fs;
use std::process::Command;

/// The (command, expected lines) pairs of one README.
fn shown(md: &str) -> Vec<(Vec<String>, Vec<String>)> {
    let mut blocks: Vec<(String, Vec<String>)> = Vec::new();
    let mut lines = md.lines();
    while let Some(line) = lines.next() {
        if let Some(kind) = line.strip_prefix("```") {
            let body: Vec<String> = lines
                .by_ref()
                .take_while(|l| !l.starts_with("```"))
                .map(str::to_owned)
                .collect();
            blocks.push((kind.trim().to_owned(), body));
        }
    }
    blocks
        .windows(2)
        .filter_map(|pair| match pair {
            [(sh, command), (text, expected)] if sh == "sh" && text == "text" => {
                let command = command.join(" ").replace('\\', " ");
                let mut words = command.split_whitespace().map(str::to_owned);
                (words.next().as_deref() == Some("accord"))
                    .then(|| (words.collect(), expected.clone()))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn every_readme_command_prints_what_its_readme_shows() {
    let mut checked = 0;
    let mut dirs: Vec<_> = fs::read_dir(repo().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    for dir in dirs {
        let Ok(md) = fs::read_to_string(dir.join("README.md")) else {
            continue;
        };
        for (args, expected) in shown(&md) {
            let out = Command::new(env!("CARGO_BIN_EXE_accord"))
                .args(&args)
                .current_dir(repo())
                .output()
                .unwrap();
            assert!(
                code(&out) <= 1,
                "{}: accord {}: {}",
                dir.display(),
                args.join(" "),
                stderr(&out)
            );
            let printed = stdout(&out);
            let mut rest = printed.lines();
            for want in expected.iter().filter(|l| l.trim() != "…") {
                assert!(
                    rest.any(|got| got.trim_end() == want.trim_end()),
                    "{}: accord {}: the README shows\n{want}\nwhich is not printed (in that order):\n{printed}",
                    dir.display(),
                    args.join(" ")
                );
            }
            checked += 1;
        }
    }
    // The Armenian maternity benefit and reform, and the OpenFisca reform.
    assert!(checked >= 3, "only {checked} README commands found");
}
