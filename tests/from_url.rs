//! Stores from URLs and explicit options, in both worlds: every scheme this build has (the
//! cloud ones against the servers `scripts/test` starts), the errors, and secrets that never
//! print.

use store::{AsyncStore, ErrorKind, Store, WriteOptions};

const NONE: [(&str, &str); 0] = [];

#[test]
fn memory_urls_root_the_store_at_their_path() {
    let store = Store::from_url("memory:///reports/2026", NONE).unwrap();
    assert_eq!(store.name(), "memory");
    assert_eq!(store.root().as_str(), "reports/2026");
    store.write("a.txt", "x", &WriteOptions::new()).unwrap();
    assert!(Store::from_url("memory://", NONE).unwrap().root().is_root());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let store = rt
        .block_on(async { AsyncStore::from_url("memory://bucketless/x", NONE) })
        .unwrap();
    assert_eq!(
        store.name(),
        "async-memory",
        "natively async in the async world"
    );
    assert_eq!(store.root().as_str(), "bucketless/x");
}

#[test]
fn file_urls_and_plain_paths_open_a_local_folder() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("file://{}", dir.path().display());
    let store = Store::from_url(&url, [("fsync", "false")]).unwrap();
    store.write("a/b.txt", "hi", &WriteOptions::new()).unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a/b.txt")).unwrap(),
        "hi"
    );
    let plain = Store::from_url(dir.path().to_str().unwrap(), NONE).unwrap();
    assert_eq!(plain.read_text("a/b.txt").unwrap(), "hi");
    let missing = dir.path().join("typo");
    let err = Store::from_url(missing.to_str().unwrap(), [("must_exist", "true")]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(
        !err.to_string().contains(dir.path().to_str().unwrap()),
        "no on-disk path: {err}"
    );
}

#[test]
fn bad_urls_and_options_are_clear_errors() {
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str);
    let cases: &[Case] = &[
        ("gopher://x/y", &[], "unknown store URL scheme `gopher`"),
        (
            "memory://",
            &[("region", "x")],
            "unknown memory option `region`",
        ),
        (
            "file:///tmp/x",
            &[("fsnc", "true")],
            "did you mean `fsync`?",
        ),
        ("file:///tmp/x", &[("fsync", "yes")], "takes true or false"),
        ("s3://bucket/x?region=eu", &[], "takes no query"),
        (
            "sftp://me@host/base",
            &[("knwon_hosts", "/x")],
            "did you mean `known_hosts`?",
        ),
        ("sftp://host/base", &[], "names its user"),
        (
            "sftp://me@host/base",
            &[("connections", "many")],
            "takes a whole number",
        ),
        (
            "s3://bucket/x",
            &[("regoin", "eu")],
            "did you mean `region`?",
        ),
        ("memory:///a/%00/b", &[], "null byte"),
    ];
    for (url, options, expected) in cases {
        let err = Store::from_url(url, options.iter().copied()).unwrap_err();
        assert!(
            matches!(
                err.kind(),
                ErrorKind::InvalidArgument | ErrorKind::InvalidPath
            ),
            "{url}: {err}"
        );
        assert!(err.to_string().contains(expected), "{url}: {err}");
    }
}

#[test]
fn credentials_in_a_url_are_refused_and_never_echoed() {
    let err = Store::from_url("s3://AKID:topsecret@bucket/x", NONE).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert!(!format!("{err} {err:?}").contains("topsecret"), "{err:?}");
}

#[test]
fn cloud_urls_build_their_backends() {
    let s3 = Store::from_url(
        "s3://my-bucket/reports/2026",
        [
            ("region", "eu-west-1"),
            ("access_key_id", "AKID"),
            ("secret_access_key", "url-s3-secret"),
        ],
    )
    .unwrap();
    // The URL's path is the backend's prefix, as a file URL's is its folder.
    assert_eq!((s3.name(), s3.root().as_str()), ("s3", ""));
    assert_eq!(
        s3.native_path("a.txt").unwrap(),
        "my-bucket/reports/2026/a.txt"
    );
    for url in [
        "az://container/data",
        "abfss://container@myaccount.dfs.core.windows.net/data",
        "https://myaccount.blob.core.windows.net/container/data",
    ] {
        let options = [
            ("account", "myaccount"),
            ("access_key", "dXJsLWF6dXJlLXNlY3JldA=="),
        ];
        let options: &[(&str, &str)] = if url.starts_with("az:") {
            &options
        } else {
            &options[1..]
        };
        let az = Store::from_url(url, options.iter().copied()).unwrap();
        assert_eq!((az.name(), az.root().as_str()), ("azure", ""), "{url}");
        assert_eq!(az.native_path("a").unwrap(), "container/data/a", "{url}");
    }
    let shown = format!("{s3:?}");
    assert!(!shown.contains("url-s3-secret"), "{shown}");
}

#[test]
fn cloud_urls_reach_the_test_servers() {
    let how = "start the test servers first: run scripts/test, or \
               `source scripts/servers.sh && servers_install && servers_start`";
    let env = |k: &str| std::env::var(k).unwrap_or_else(|_| panic!("{k} is not set: {how}"));
    let s3 = Store::from_url(
        &format!(
            "s3://{}/from-url-{}",
            env("STORE_TEST_S3_BUCKET"),
            std::process::id()
        ),
        [
            ("endpoint", env("STORE_TEST_S3_ENDPOINT")),
            ("allow_http", "true".into()),
            ("region", "us-east-1".into()),
            ("access_key_id", "test".into()),
            ("secret_access_key", "url-s3-secret".into()),
        ],
    )
    .unwrap();
    let azure = Store::from_url(
        &format!(
            "az://{}/from-url-{}",
            env("STORE_TEST_AZURE_CONTAINER"),
            std::process::id()
        ),
        [
            ("endpoint", env("STORE_TEST_AZURE_ENDPOINT")),
            ("allow_http", "true".into()),
            ("account", env("STORE_TEST_AZURE_ACCOUNT")),
            ("access_key", env("STORE_TEST_AZURE_KEY")),
        ],
    )
    .unwrap();
    let folder = format!("from-url-{}", std::process::id());
    let base = format!("{}/{folder}", env("STORE_TEST_SFTP_BASE"));
    std::fs::create_dir_all(&base).unwrap();
    let sftp = Store::from_url(
        &format!(
            "sftp://{}@{}:{}{base}",
            env("STORE_TEST_SFTP_USER"),
            env("STORE_TEST_SFTP_HOST"),
            env("STORE_TEST_SFTP_PORT")
        ),
        [
            ("private_key_file", env("STORE_TEST_SFTP_KEY")),
            ("known_hosts", env("STORE_TEST_SFTP_KNOWN_HOSTS")),
            ("connections", "2".into()),
            ("timeout_secs", "5".into()),
        ],
    )
    .unwrap();
    // A password in the URL: moved into a Secret, never shown.
    let password = env("STORE_TEST_SFTP_PASSWORD");
    let by_password = Store::from_url(
        &format!(
            "sftp://{}:{password}@{}:{}{}",
            env("STORE_TEST_SFTP_PASSWORD_USER"),
            env("STORE_TEST_SFTP_HOST"),
            env("STORE_TEST_SFTP_PORT"),
            env("STORE_TEST_SFTP_PASSWORD_BASE")
        ),
        [("host_key", env("STORE_TEST_SFTP_HOST_KEY"))],
    )
    .unwrap();
    let gcs = Store::from_url(
        &format!(
            "gs://{}/from-url-{}",
            env("STORE_TEST_GCS_BUCKET"),
            std::process::id()
        ),
        [
            ("endpoint", env("STORE_TEST_GCS_ENDPOINT")),
            ("allow_http", "true".into()),
            ("anonymous", "true".into()),
        ],
    )
    .unwrap();
    // webdav:// is plain HTTP, at the server's root collection.
    let webdav = Store::from_url(
        &env("STORE_TEST_WEBDAV_URL").replace("http://", "webdav://"),
        [("timeout_secs", "10")],
    )
    .unwrap();
    for store in [s3, azure, sftp, by_password, gcs, webdav] {
        store
            .write("a.txt", "from a URL", &WriteOptions::new().overwrite(true))
            .unwrap_or_else(|e| panic!("{e}: {how}"));
        assert_eq!(store.read_text("a.txt").unwrap(), "from a URL");
        let shown = format!("{store:?} {:?}", store.read_bytes("missing").unwrap_err());
        assert!(
            !shown.contains("url-s3-secret")
                && !shown.contains(&env("STORE_TEST_AZURE_KEY"))
                && !shown.contains(&password),
            "{shown}"
        );
    }
}

/// The setup errors a new user met lead to the fix: the setting that allows plain HTTP, the
/// closest scheme to a typo, and the options that carry credentials, named both as builder
/// methods and as URL keys.
#[test]
fn setup_errors_name_the_fix() {
    let message = |result: store::Result<Store>| {
        let err = result.expect_err("a setup error");
        assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
        err.to_string()
    };
    let keys = [("access_key_id", "id"), ("secret_access_key", "s3-secret")];
    let http = message(Store::from_url(
        "s3://bucket/",
        [("endpoint", "http://127.0.0.1:9")].into_iter().chain(keys),
    ));
    assert!(
        http.contains("allow_http=true") && http.contains("allow_http(true)"),
        "{http}"
    );
    assert!(!http.contains("s3-secret"), "{http}");
    let built = store::S3Builder::new()
        .endpoint("HTTP://127.0.0.1:9")
        .bucket("b")
        .credentials("id", "key")
        .build()
        .map(Store::new);
    assert!(message(built).contains("allow_http"));
    let https = Store::from_url(
        "s3://bucket/",
        [("endpoint", "https://127.0.0.1:9")]
            .into_iter()
            .chain(keys),
    );
    assert!(https.is_ok(), "https needs no allow_http");

    let typo = message(Store::from_url("stfp://root@host/x", [("", ""); 0]));
    assert!(typo.contains("did you mean `sftp`"), "{typo}");
    assert!(!typo.contains("user or password"), "{typo}");
    let far = message(Store::from_url("gopher://host/x", [("", ""); 0]));
    assert!(far.contains("unknown store URL scheme `gopher`") && !far.contains("did you mean"));

    let s3 = message(Store::from_url("s3://bucket/", [("region", "eu-west-1")]));
    for key in [
        "access_key_id",
        "secret_access_key",
        "credentials(..)",
        "from_env=true",
    ] {
        assert!(s3.contains(key), "S3 credentials: {s3}");
    }
    let azure = message(Store::from_url("az://container/", [("account", "acct")]));
    for key in ["access_key", "sas_token", "from_env=true"] {
        assert!(azure.contains(key), "Azure credentials: {azure}");
    }
    let sftp = message(Store::from_url("sftp://user@host/base", [("", ""); 0]));
    for key in ["private_key_file", "password", "private_key"] {
        assert!(sftp.contains(key), "SFTP credentials: {sftp}");
    }
}

#[test]
fn each_builder_takes_its_own_urls_and_keys() {
    use store::{AzureBuilder, LocalBuilder, S3Builder, S3ConfigKey, SftpBuilder};
    let err = S3Builder::new().with_url("az://container/x").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert!(
        err.to_string()
            .contains("of the azure backend type, not of s3"),
        "{err}"
    );
    assert!(AzureBuilder::new().with_url("s3://bucket").is_err());
    assert!(SftpBuilder::default().with_url("file:///tmp").is_err());
    assert!(LocalBuilder::new().with_url("memory://").is_err());
    let err = S3Builder::new()
        .with_config(S3ConfigKey::MaxRetries, "secret-looking")
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("`max_retries` takes a whole number"),
        "{err}"
    );
    assert!(!err.to_string().contains("secret-looking"), "{err}");
    let err = "max_retrys".parse::<S3ConfigKey>().unwrap_err();
    assert!(
        err.to_string().contains("did you mean `max_retries`?"),
        "{err}"
    );
    // Every key reaches from_url: retries and timeouts included.
    let store = Store::from_url(
        "s3://bucket/p",
        [
            ("access_key_id", "AKID"),
            ("secret_access_key", "s"),
            ("max_retries", "0"),
            ("retry_timeout_secs", "1"),
            ("timeout_secs", "1"),
            ("connect_timeout_secs", "1"),
        ],
    )
    .unwrap();
    assert_eq!(store.native_path("a").unwrap(), "bucket/p/a");
    // GCS: gs:// names the bucket and prefix; its service-account document is a Secret.
    assert!(store::GcsBuilder::new().with_url("s3://bucket").is_err());
    let store = Store::from_url(
        "gs://bucket/p",
        [
            ("service_account_key", r#"{"disable_oauth": true, "client_email": "", "private_key_id": "", "private_key": "gcs-key-not-shown"}"#),
            ("max_retries", "0"),
        ],
    )
    .unwrap();
    assert_eq!(store.native_path("a").unwrap(), "bucket/p/a");
    assert!(!format!("{store:?}").contains("gcs-key-not-shown"));
    let err = Store::from_url("gs://bucket", [("endpoint", "http://127.0.0.1:1")]).unwrap_err();
    assert!(err.to_string().contains("allow_http"), "{err}");
    // WebDAV: webdav:// is plain HTTP, https:// (not an Azure host) is WebDAV over TLS, and a
    // password in the URL is a Secret at once.
    let store = Store::from_url(
        "webdav://me:dav-pass-not-shown@dav.example:8080/files/me",
        [("timeout_secs", "5")],
    )
    .unwrap();
    assert_eq!(
        store.native_path("a b").unwrap(),
        "http://dav.example:8080/files/me/a%20b"
    );
    assert!(!format!("{store:?}").contains("dav-pass-not-shown"));
    let store = Store::from_url("https://dav.example/files", [("user", "me")]).unwrap();
    assert_eq!(
        store.native_path("x").unwrap(),
        "https://dav.example/files/x"
    );
    let err = Store::from_url("http://dav.example/files", [("timeout_secs", "5")]).unwrap_err();
    assert!(err.to_string().contains("allow_http"), "{err}");
    assert!(store::WebDavBuilder::default()
        .with_url("gs://bucket")
        .is_err());
}
