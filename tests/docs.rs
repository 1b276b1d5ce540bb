//! The README's tables hold to the code: the capability table per backend against what the
//! conformance kit is told of each backend (and checks of it), the URL options per scheme
//! against the keys `from_url` accepts, both ways.

mod common;

use std::collections::BTreeSet;

use common::declared;
use store::{Capability, Store};

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
    let header = "| capability | local | memory | async-memory | s3 | azure | sftp |";
    let backends = [
        declared::LOCAL,
        declared::MEMORY,
        declared::ASYNC_MEMORY,
        declared::S3,
        declared::AZURE,
        declared::SFTP,
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

/// The keys `from_url` accepts for a URL, from its own error for an unknown key.
fn accepted(url: &str) -> BTreeSet<String> {
    let err = Store::from_url(url, [("no_such_option", "1")]).unwrap_err();
    let text = err.to_string();
    let known = text
        .split("(known: ")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .unwrap_or_else(|| panic!("the error lists the known keys: {text}"));
    known.split(", ").map(str::to_owned).collect()
}

#[test]
fn the_url_options_table_lists_every_key_the_code_takes() {
    let header = "| scheme | option | meaning | default |";
    let mut documented: Vec<(String, BTreeSet<String>)> = Vec::new();
    for row in table(header) {
        if !row[0].is_empty() {
            documented.push((row[0].clone(), BTreeSet::new()));
        }
        let keys = &mut documented.last_mut().expect("a scheme first").1;
        for key in row[1].split(", ") {
            let key = key.trim_matches('`');
            if key != "none" {
                keys.insert(key.to_owned());
            }
        }
    }
    let urls = [
        ("file", "file:///tmp"),
        ("s3", "s3://bucket/"),
        ("az", "az://container/"),
        ("sftp", "sftp://user@host/base"),
    ];
    for (scheme, url) in urls {
        let (_, keys) = documented
            .iter()
            .find(|(row, _)| row.starts_with(&format!("`{scheme}:")))
            .unwrap_or_else(|| panic!("a row for {scheme}"));
        assert_eq!(keys, &accepted(url), "the documented {scheme} options");
    }
}
