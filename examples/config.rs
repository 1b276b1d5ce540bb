//! Opens a store from a TOML registry: `cargo run --example config -- registry.toml [store]`.
//! Without arguments it uses a registry of its own, a local folder under the temp directory, so
//! it runs with no server. Switching that store to S3 is a change of the file, not of the code:
//!
//! ```toml
//! [backends.main]
//! type = "s3"
//! bucket = "reports"
//! region = "eu-west-1"
//! from_env = true          # or access_key_id + secret_access_key = { env = "…" }
//! ```

use store::{ListOptions, Registry, Result, WriteOptions};

const DEFAULT: &str = r#"
[backends.main]
type = "local"
path = "@TMP@/store-config-example"

[stores.reports]
backend = "main"
root = "reports/2026"
"#;

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let registry = match args.next() {
        Some(path) => Registry::from_path(path)?,
        None => Registry::from_toml_str(
            &DEFAULT.replace("@TMP@", &std::env::temp_dir().display().to_string()),
        )?,
    };
    let name = args.next().unwrap_or_else(|| "reports".to_owned());
    println!("registry: {registry:?}");
    let store = registry.store(&name)?;
    println!("store `{name}`: {store:?}");
    store.write(
        "q1.csv",
        "region,total\nnorth,12\n",
        &WriteOptions::new().overwrite(true),
    )?;
    for file in store.list_files("", &ListOptions::new())? {
        let file = file?;
        println!("  {} ({} bytes)", file.path, file.size);
    }
    Ok(())
}
