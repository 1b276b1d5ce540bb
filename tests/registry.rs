//! Named backends and stores from TOML: sharing, both worlds, errors with line and column, and
//! values that never print.

use store::{ErrorKind, Registry, WriteOptions};

#[test]
fn stores_share_one_backend_and_both_worlds_see_it() {
    let dir = tempfile::tempdir().unwrap();
    let toml = format!(
        r#"
[backends.disk]
type = "local"
path = "{}"
fsync = false

[backends.scratch]
type = "memory"

[stores.reports]
backend = "disk"
root = "reports/2026"

[stores.all]
backend = "disk"

[stores.tmp]
backend = "scratch"
root = "t"
"#,
        dir.path().display()
    );
    let registry = Registry::from_toml_str(&toml).unwrap();
    let reports = registry.store("reports").unwrap();
    reports
        .write("q1.csv", "a,b\n", &WriteOptions::new())
        .unwrap();
    assert_eq!(
        registry
            .store("all")
            .unwrap()
            .read_text("reports/2026/q1.csv")
            .unwrap(),
        "a,b\n"
    );
    assert!(dir.path().join("reports/2026/q1.csv").is_file());
    reports.close().unwrap();
    assert!(
        registry.store("reports").unwrap().exists("q1.csv").unwrap(),
        "closing a store leaves the backend"
    );

    let tmp = registry.store("tmp").unwrap();
    tmp.write("x.txt", "memory", &WriteOptions::new()).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let tmp = registry.async_store("tmp").unwrap();
        assert_eq!(
            tmp.read_text("x.txt").await.unwrap(),
            "memory",
            "one instance, both worlds"
        );
    });
    assert_eq!(
        registry.store_names().collect::<Vec<_>>(),
        ["all", "reports", "tmp"]
    );
}

#[test]
fn errors_carry_line_and_column() {
    let cases = [
        (
            "[backends.a]\ntype = \"memory\"\n\n[stores.s]\nbackend = \"b\"\n",
            "line 5, column 11",
            "not defined",
        ),
        ("[backends.a]\ntype = \n", "line 2", ""),
        ("[stores.s]\nbackend = \"a\"\nroot = 3\n", "line 3", ""),
        (
            "[stores.s]\nbackend = \"a\"\nwhat = 1\n",
            "line",
            "unknown field",
        ),
        // Each backend setting is checked when the file is read, and reported at its key.
        (
            "[backends.a]\ntype = \"s3\"\nbucket = \"b\"\n  regoin = \"eu\"\n",
            "line 4, column 3",
            "did you mean `region`?",
        ),
        (
            "[backends.a]\ntype = \"local\"\npath = \"/x\"\nfsync = \"yes\"\n",
            "line 4, column 1",
            "takes true or false",
        ),
        (
            "[backends.a]\ntype = \"sftp\"\nhost = \"h\"\nport = \"twenty-two\"\n",
            "line 4, column 1",
            "port number",
        ),
        (
            "[backends.a]\ntype = \"sftp\"\nconnections = \"lots\"\n",
            "line 3, column 1",
            "whole number",
        ),
        (
            "[backends.a]\ntype = \"ftp\"\n",
            "line 2, column 1",
            "unknown backend type `ftp`",
        ),
        // Retries and timeouts are settings too, whole numbers given as TOML integers.
        (
            "[backends.a]\ntype = \"s3\"\nmax_retries = \"often\"\n",
            "line 3, column 1",
            "s3 option `max_retries` takes a whole number",
        ),
        (
            "[backends.a]\ntype = \"azure\"\ntimeout_secs = true\n",
            "line 3, column 1",
            "azure option `timeout_secs` takes a whole number",
        ),
    ];
    for (toml, place, what) in cases {
        let err = Registry::from_toml_str(toml).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{toml}");
        assert!(err.to_string().contains(place), "{toml}: {err}");
        assert!(err.to_string().contains(what), "{toml}: {err}");
    }
}

#[test]
fn values_never_print_and_env_is_read_only_when_named() {
    let toml = r#"
[backends.archive]
type = "s3"
bucket = "reports"
region = "eu-west-1"
access_key_id = "AKID"
secret_access_key = { env = "STORE_REGISTRY_TEST_SECRET" }

[backends.typo]
type = "s3"
bucket = "reports"
regoin = "eu-west-1"
access_key_id = "AKID"
secret_access_key = "toml-literal-secret"

[stores.reports]
backend = "archive"

[stores.broken]
backend = "typo"
"#;
    // The typo is caught as the file is read, at its line, and shows no value.
    let err = Registry::from_toml_str(toml).unwrap_err();
    assert!(err.to_string().contains("line 12, column 1"), "{err}");
    assert!(err.to_string().contains("did you mean `region`?"), "{err}");
    assert!(
        !format!("{err} {err:?}").contains("toml-literal-secret"),
        "{err:?}"
    );
    let toml = toml.replace("regoin", "region");
    let registry = Registry::from_toml_str(&toml).unwrap();
    let shown = format!("{registry:?}");
    assert!(
        !shown.contains("toml-literal-secret") && !shown.contains("AKID"),
        "{shown}"
    );
    let err = registry.store("reports").unwrap_err();
    assert!(
        err.to_string().contains("STORE_REGISTRY_TEST_SECRET"),
        "{err}"
    );
    std::env::set_var("STORE_REGISTRY_TEST_SECRET", "env-secret");
    let store = registry.store("reports").unwrap();
    assert_eq!(store.name(), "s3");
    assert!(!format!("{store:?}").contains("env-secret"));
    let err = registry.store("nope").unwrap_err();
    assert!(err.to_string().contains("stores: broken, reports"), "{err}");
}

#[test]
fn every_builder_key_is_a_setting() {
    let toml = r#"
[backends.archive]
max_retries = 5
type = "s3"
prefix = "2026"
bucket = "reports"
secret_access_key = "not-a-secret"
access_key_id = "AKID"
retry_timeout_secs = 60
timeout_secs = 10
connect_timeout_secs = 2
upload_concurrency = 8

[backends.disk]
type = "local"
path = "/nonexistent/store-registry-test"
fsync = true

[stores.q1]
backend = "archive"
root = "q1"

[stores.scratch]
backend = "disk"
"#;
    let registry = Registry::from_toml_str(toml).unwrap();
    let q1 = registry.store("q1").unwrap();
    // The prefix confines the backend; the store's root lies below it.
    assert_eq!(q1.native_path("a.csv").unwrap(), "reports/2026/q1/a.csv");
    let scratch = registry.store("scratch").unwrap();
    assert_eq!(scratch.name(), "local");
}
