//! The README's tables hold to the code: the capability table per backend against what the
//! conformance kit is told of each backend (and checks of it), the backend types and their
//! keys against the types and keys the registry takes, both ways.

mod common;

use std::collections::BTreeSet;

use common::declared;
use store::Capability;

const README: &str = include_str!("../README.md");

/// The rows of the README table that starts with the header line `header`.
fn table(header: &str) -> Vec<Vec<String>> {
    let start = README.find(header).expect("the table is in the README");
    README[start..]
        .lines()
        .skip(2)
        .take_while(|line| line.starts_with('|'))
        .map(|line| {
            line.trim_matches('|')
                .split('|')
                .map(|cell| cell.trim().to_owned())
                .collect()
        })
        .collect()
}

#[test]
fn the_capability_table_is_what_each_backend_declares() {
    let header =
        "| capability | local | memory | async-memory | s3 | azure | gcs | sftp | webdav |";
    let backends = [
        declared::LOCAL,
        declared::MEMORY,
        declared::ASYNC_MEMORY,
        declared::S3,
        declared::AZURE,
        declared::GCS,
        declared::SFTP,
        declared::WEBDAV,
    ];
    let mut seen = BTreeSet::new();
    for row in table(header) {
        for name in row[0].split(", ") {
            let capability = *Capability::ALL
                .iter()
                .find(|c| format!("{c:?}") == name)
                .unwrap_or_else(|| panic!("no capability {name}"));
            seen.insert(name.to_owned());
            for (declared, cell) in backends.iter().zip(&row[1..]) {
                let has = declared
                    .declared_capabilities()
                    .unwrap()
                    .supports(capability);
                assert_eq!(
                    has,
                    cell == "✓",
                    "{name} for {:?}",
                    declared.declared_name()
                );
            }
        }
    }
    let all: BTreeSet<String> = Capability::ALL.iter().map(|c| format!("{c:?}")).collect();
    assert_eq!(seen, all, "every capability has a row");
}

#[test]
fn the_backend_type_table_lists_every_type_and_key_the_code_takes() {
    let rows = table("| type | URL | builder | keys | feature |");
    let cell = |cell: &str| -> BTreeSet<String> {
        cell.split(", ")
            .map(|key| key.trim_matches('`').to_owned())
            .filter(|key| key != "none")
            .collect()
    };
    // What the registry takes, from its own error for an unknown type or key.
    let known = |toml: &str| -> Option<BTreeSet<String>> {
        let err = store::Registry::from_toml_str(toml)
            .unwrap_err()
            .to_string();
        let list = err.split("(known: ").nth(1)?.split(')').next()?;
        Some(list.split(", ").map(str::to_owned).collect())
    };
    let keys_of = |ty: &str| -> BTreeSet<String> {
        // A memory backend takes no keys, and its error lists none.
        known(&format!(
            "[backends.x]\ntype = \"{ty}\"\nno_such_key = \"1\"\n"
        ))
        .unwrap_or_default()
    };
    let mut types = BTreeSet::new();
    for row in &rows {
        let ty = row[0].trim_matches('`');
        assert_eq!(cell(&row[3]), keys_of(ty), "the documented keys of {ty}");
        types.insert(ty.to_owned());
    }
    let all = known("[backends.x]\ntype = \"no-such-type\"\n").expect("the types are listed");
    assert_eq!(types, all, "the types");
}

/// The public methods written in `file` (`pub fn`, `pub async fn`, or a `store_surface!` one)
/// whose doc block, the `///` and attribute lines above them, holds no example.
fn without_example(file: &str, is_method: impl Fn(&str) -> Option<String>) -> Vec<String> {
    let text = std::fs::read_to_string(format!("{}/../{file}", env!("CARGO_MANIFEST_DIR")))
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    let lines: Vec<&str> = text.lines().collect();
    let mut missing = Vec::new();
    for (at, line) in lines.iter().enumerate() {
        let Some(name) = is_method(line.trim_start()) else {
            continue;
        };
        let above = lines[..at]
            .iter()
            .rev()
            .take_while(|l| {
                let l = l.trim_start();
                l.starts_with("///")
                    || l.starts_with("#[")
                    || l.starts_with('"')
                    || l.starts_with(')')
                    || l.starts_with("concat!")
            })
            .copied()
            .collect::<Vec<_>>()
            .join("\n");
        if !(above.contains("```") || above.contains("stores::example!")) {
            missing.push(name);
        }
    }
    missing
}

/// The name of a public method declared on `line`.
fn public_fn(line: &str) -> Option<String> {
    let rest = ["pub fn ", "pub async fn ", "pub $($asyncness)? fn "]
        .iter()
        .find_map(|p| line.strip_prefix(p))?;
    Some(rest.split(['(', '<']).next()?.to_owned())
}

/// An operation of the definition that the stores forward (not `pure`, not `manual`).
fn forwarded_operation(lines: &[&str], at: usize) -> bool {
    let options: String = lines[..at]
        .iter()
        .rev()
        .take_while(|l| !l.trim_start().starts_with("///") || l.contains("#[store("))
        .copied()
        .collect();
    !options.contains("pure") && !options.contains("manual")
}

#[test]
fn every_public_store_method_has_an_example() {
    let mut missing = Vec::new();
    for file in [
        "store/src/stores/mod.rs",
        "store/src/stores/asynchronous.rs",
    ] {
        for name in without_example(file, public_fn) {
            missing.push(format!("{file}: {name}"));
        }
    }
    // The operations of the definition: the stores carry their `# Examples` section.
    let api = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../store/src/api.rs"))
        .expect("api.rs");
    let lines: Vec<&str> = api.lines().collect();
    for (at, line) in lines.iter().enumerate() {
        let Some(name) = line.trim_start().strip_prefix("fn ") else {
            continue;
        };
        let name = name.split('(').next().unwrap_or_default();
        let docs: Vec<&str> = lines[..at]
            .iter()
            .rev()
            .skip_while(|l| !l.trim_start().starts_with("///"))
            .take_while(|l| l.trim_start().starts_with("///"))
            .copied()
            .collect();
        if forwarded_operation(&lines, at) && !docs.iter().any(|l| l.contains("# Examples")) {
            missing.push(format!("store/src/api.rs: {name}"));
        }
    }
    assert!(
        missing.is_empty(),
        "public store methods without an example: {missing:#?}"
    );
}

/// Every `crate::contract#C-x.y` link in the crate's docs lands on an anchor of the rendered
/// contract (rustdoc checks the path of a link, not its fragment).
#[test]
fn every_clause_link_has_its_anchor() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let contract = std::fs::read_to_string(format!("{root}/docs/contract.md")).expect("contract");
    let mut files = vec![std::path::PathBuf::from(format!("{root}/store/src"))];
    let (mut links, mut missing) = (0, BTreeSet::new());
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (_, rest) in text
            .match_indices("crate::contract#")
            .map(|(at, _)| text.split_at(at + 16))
        {
            let clause: String = rest.chars().take_while(|c| *c != ')').collect();
            links += 1;
            if !contract.contains(&format!("<a id=\"{clause}\"></a>")) {
                missing.insert(clause);
            }
        }
    }
    assert!(links > 100, "only {links} clause links found");
    assert!(
        missing.is_empty(),
        "clause links without an anchor: {missing:?}"
    );
}
