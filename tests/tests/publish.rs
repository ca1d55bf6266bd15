//! What a published crate promises in its files: the README's feature table names every
//! feature of `dynamap`, and the crate's metadata is complete for crates.io and docs.rs.

use std::collections::BTreeSet;

fn read(path: &str) -> String {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    std::fs::read_to_string(format!("{root}/{path}")).expect(path)
}

/// The features `[features]` of dynamap's Cargo.toml declares (not `default`).
fn declared_features() -> BTreeSet<String> {
    let manifest = read("dynamap/Cargo.toml");
    let section = manifest
        .split("[features]")
        .nth(1)
        .expect("a [features] section");
    section
        .lines()
        .skip(1)
        .take_while(|line| !line.starts_with('['))
        .filter_map(|line| line.split_once('=').map(|(name, _)| name.trim().to_owned()))
        .filter(|name| !name.is_empty() && name != "default" && !name.starts_with('#'))
        .collect()
}

/// The features the README's "Cargo features" table has a row for.
fn documented_features() -> BTreeSet<String> {
    let readme = read("README.md");
    let table = readme
        .split("### Cargo features")
        .nth(1)
        .expect("a Cargo features section");
    table
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split_once('`').map(|(name, _)| name.to_owned()))
        .collect()
}

#[test]
fn the_readme_names_every_feature() {
    let declared = declared_features();
    assert!(
        declared.contains("uuid") && declared.contains("embedded"),
        "{declared:?}"
    );
    assert_eq!(documented_features(), declared);
}

#[test]
fn the_crates_have_their_registry_metadata() {
    for manifest in ["dynamap/Cargo.toml", "dynamap-derive/Cargo.toml"] {
        let text = read(manifest);
        for field in [
            "description",
            "keywords",
            "categories",
            "readme",
            "documentation",
        ] {
            assert!(
                text.lines().any(|l| l.starts_with(&format!("{field} ="))),
                "{manifest} has no {field}"
            );
        }
    }
    let dynamap = read("dynamap/Cargo.toml");
    assert!(
        dynamap.contains("[package.metadata.docs.rs]") && dynamap.contains("all-features = true")
    );
}
