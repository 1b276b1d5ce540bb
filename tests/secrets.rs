//! One test of the rule that no secret ever prints (C-2.13): every backend this crate ships is
//! built from URLs and from a TOML registry with known secret strings (S3 keys and session
//! token, an Azure key and a SAS token, SFTP passwords, a private key and its passphrase, a
//! GCS service-account document's private key, a WebDAV password),
//! driven into the errors a user meets (a missing file, wrong credentials, a server that does
//! not answer) against the servers `scripts/test` starts, and every store, backend, registry
//! and error is formatted with `Display` and `Debug` and searched for each secret.

mod common;

use common::env;
use store::{AsyncStore, Registry, Store, WriteOptions};

const S3_SECRET: &str = "s3-secret-7f3a";
const S3_TOKEN: &str = "s3-token-7f3a";
/// base64 of "azure-secret-7f3a": a well-formed key, but not Azurite's.
const AZURE_WRONG_KEY: &str = "YXp1cmUtc2VjcmV0LTdmM2E=";
const SAS: &str =
    "sv=2022-11-02&ss=b&srt=sco&sp=rwdlac&se=2030-01-01T00:00:00Z&sig=sas-secret-7f3a";
const SFTP_WRONG_PASSWORD: &str = "sftp-secret-7f3a";
const PASSPHRASE: &str = "phrase-secret-7f3a";
const GCS_KEY: &str = "gcs-private-key-secret-7f3a";
const WEBDAV_PASSWORD: &str = "webdav-secret-7f3a";

/// What the test formatted, and the secrets it looks for.
struct Shown {
    secrets: Vec<String>,
    values: usize,
    errors: usize,
}

impl Shown {
    fn new() -> Shown {
        let key_text = std::fs::read_to_string(env("STORE_TEST_SFTP_KEY")).unwrap();
        let mut secrets: Vec<String> = [
            S3_SECRET,
            S3_TOKEN,
            AZURE_WRONG_KEY,
            "sas-secret-7f3a",
            SFTP_WRONG_PASSWORD,
            PASSPHRASE,
            GCS_KEY,
            WEBDAV_PASSWORD,
        ]
        .map(str::to_owned)
        .into();
        secrets.push(env("STORE_TEST_AZURE_KEY"));
        secrets.push(env("STORE_TEST_SFTP_PASSWORD"));
        // Every line of the private key's body.
        secrets.extend(
            key_text
                .lines()
                .filter(|l| !l.starts_with("-----") && l.len() > 16)
                .map(str::to_owned),
        );
        Shown {
            secrets,
            values: 0,
            errors: 0,
        }
    }

    fn check(&self, what: &str, text: &str) {
        for secret in &self.secrets {
            assert!(
                !text.contains(secret.as_str()),
                "{what} shows a secret: {text}"
            );
        }
    }

    fn value(&mut self, what: &str, value: &dyn std::fmt::Debug) {
        self.values += 1;
        self.check(what, &format!("{value:?}"));
    }

    fn error(&mut self, what: &str, err: &store::Error) {
        self.errors += 1;
        self.check(what, &format!("{err} | {err:?}"));
    }

    fn outcome<T>(&mut self, what: &str, result: store::Result<T>) {
        if let Err(e) = result {
            self.error(what, &e);
        }
    }
}

/// A case: what it is, its URL, and its options.
type Case = (&'static str, String, Vec<(&'static str, String)>);

/// The URLs and options of every backend, each with its secrets.
fn urls() -> Vec<Case> {
    let s3 = env("STORE_TEST_S3_ENDPOINT");
    let az = env("STORE_TEST_AZURE_ENDPOINT");
    let closed = "http://127.0.0.1:9"; // the discard port: nothing listens there
    let s3_opts = |endpoint: &str| {
        vec![
            ("endpoint", endpoint.to_owned()),
            ("allow_http", "true".to_owned()),
            ("region", "us-east-1".to_owned()),
            ("access_key_id", "test".to_owned()),
            ("secret_access_key", S3_SECRET.to_owned()),
            ("session_token", S3_TOKEN.to_owned()),
        ]
    };
    let az_opts = |endpoint: &str, credential: (&'static str, String)| {
        vec![
            ("endpoint", endpoint.to_owned()),
            ("allow_http", "true".to_owned()),
            ("account", env("STORE_TEST_AZURE_ACCOUNT")),
            credential,
        ]
    };
    let bucket = env("STORE_TEST_S3_BUCKET");
    let container = env("STORE_TEST_AZURE_CONTAINER");
    let sftp = |user: &str, password: &str, port: &str, base: &str| {
        format!("sftp://{user}:{password}@127.0.0.1:{port}{base}")
    };
    let port = env("STORE_TEST_SFTP_PORT");
    let pw_user = env("STORE_TEST_SFTP_PASSWORD_USER");
    let pw_base = env("STORE_TEST_SFTP_PASSWORD_BASE");
    let known = ("known_hosts", env("STORE_TEST_SFTP_KNOWN_HOSTS"));
    let key_text = std::fs::read_to_string(env("STORE_TEST_SFTP_KEY")).unwrap();
    let key_base = format!(
        "{}/secrets-{}",
        env("STORE_TEST_SFTP_BASE"),
        std::process::id()
    );
    std::fs::create_dir_all(&key_base).unwrap();
    let gcs = env("STORE_TEST_GCS_ENDPOINT");
    let gcs_bucket = env("STORE_TEST_GCS_BUCKET");
    let gcs_opts = |endpoint: &str, key: String| {
        vec![
            ("endpoint", endpoint.to_owned()),
            ("allow_http", "true".to_owned()),
            ("service_account_key", key),
        ]
    };
    let service_account = format!(
        r#"{{"gcs_base_url": "{gcs}", "disable_oauth": true, "client_email": "",
            "private_key_id": "", "private_key": "{GCS_KEY}"}}"#
    );
    let dav = env("STORE_TEST_WEBDAV_URL").replace("http://", "");
    vec![
        (
            "gcs",
            format!("gs://{gcs_bucket}/secrets"),
            gcs_opts(&gcs, service_account.clone()),
        ),
        (
            "gcs, no server",
            format!("gs://{gcs_bucket}/secrets"),
            gcs_opts(closed, service_account),
        ),
        (
            "webdav, password in the URL",
            format!("webdav://someone:{WEBDAV_PASSWORD}@{dav}/"),
            vec![],
        ),
        (
            "webdav, password as an option",
            format!("webdav://someone@{dav}/"),
            vec![("password", WEBDAV_PASSWORD.to_owned())],
        ),
        (
            "webdav, no server",
            format!("webdav://someone:{WEBDAV_PASSWORD}@127.0.0.1:9/"),
            vec![],
        ),
        ("s3", format!("s3://{bucket}/secrets"), s3_opts(&s3)),
        (
            "s3, no server",
            format!("s3://{bucket}/secrets"),
            s3_opts(closed),
        ),
        (
            "azure",
            format!("az://{container}/secrets"),
            az_opts(&az, ("access_key", env("STORE_TEST_AZURE_KEY"))),
        ),
        (
            "azure, wrong key",
            format!("az://{container}/secrets"),
            az_opts(&az, ("access_key", AZURE_WRONG_KEY.to_owned())),
        ),
        (
            "azure, SAS token",
            format!("az://{container}/secrets"),
            az_opts(&az, ("sas_token", SAS.to_owned())),
        ),
        (
            "azure, no server",
            format!("az://{container}/secrets"),
            az_opts(closed, ("sas_token", SAS.to_owned())),
        ),
        (
            "sftp, password in the URL",
            sftp(&pw_user, &env("STORE_TEST_SFTP_PASSWORD"), &port, &pw_base),
            vec![known.clone()],
        ),
        (
            "sftp, wrong password in the URL",
            sftp(&pw_user, SFTP_WRONG_PASSWORD, &port, &pw_base),
            vec![known.clone()],
        ),
        (
            "sftp, wrong password as an option",
            format!("sftp://{pw_user}@127.0.0.1:{port}{pw_base}"),
            vec![known.clone(), ("password", SFTP_WRONG_PASSWORD.to_owned())],
        ),
        (
            "sftp, key text and passphrase",
            format!(
                "sftp://{}@127.0.0.1:{port}{key_base}",
                env("STORE_TEST_SFTP_USER")
            ),
            vec![
                known.clone(),
                ("private_key", key_text.clone()),
                ("passphrase", PASSPHRASE.to_owned()),
            ],
        ),
        (
            "sftp, no server",
            sftp(&pw_user, SFTP_WRONG_PASSWORD, "9", &pw_base),
            vec![known],
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_prints_from_any_scheme_or_error() {
    let mut shown = Shown::new();
    for (what, url, options) in urls() {
        // Both worlds: the async store here, the blocking one on a thread of its own.
        let store =
            AsyncStore::from_url(&url, options.clone()).unwrap_or_else(|e| panic!("{what}: {e}"));
        shown.value(what, &store);
        shown.outcome(what, store.read_bytes("missing.txt").await);
        shown.outcome(
            what,
            store
                .write("s.txt", "x", &WriteOptions::new().overwrite(true))
                .await,
        );
        shown.outcome(what, store.ping().await);
        let (url2, options2, what2) = (url.clone(), options.clone(), what.to_owned());
        let blocking = std::thread::spawn(move || {
            let store = Store::from_url(&url2, options2).unwrap();
            let mut texts = vec![format!("{store:?}")];
            if let Err(e) = store.read_bytes("missing.txt") {
                texts.push(format!("{e} | {e:?}"));
            }
            (what2, texts)
        })
        .join()
        .unwrap();
        for text in blocking.1 {
            shown.values += 1;
            shown.check(&blocking.0, &text);
        }
    }
    // A URL error never repeats the URL.
    let err = Store::from_url(
        &format!("sftp://u:{SFTP_WRONG_PASSWORD}@127.0.0.1:2/x"),
        [("nonsense", PASSPHRASE)],
    )
    .unwrap_err();
    shown.error("a bad sftp URL", &err);
    // A service-account document that does not parse: its parser's message is not shown.
    for document in [
        format!(r#"{{"private_key": {GCS_KEY:?}, "client_email": 5}}"#),
        format!("{GCS_KEY} is not JSON"),
    ] {
        let err =
            Store::from_url("gs://bucket/x", [("service_account_key", document)]).unwrap_err();
        shown.error("a bad GCS service-account document", &err);
    }

    // The same backends from TOML, values inline and from the environment.
    std::env::set_var("STORE_TEST_SECRET_S3", S3_SECRET);
    let toml = format!(
        r#"
[backends.s3]
type = "s3"
bucket = "{bucket}"
endpoint = "{s3}"
allow_http = "true"
region = "us-east-1"
access_key_id = "test"
secret_access_key = {{ env = "STORE_TEST_SECRET_S3" }}
session_token = "{S3_TOKEN}"

[backends.azure]
type = "azure"
container = "{container}"
endpoint = "{az}"
allow_http = "true"
account = "{account}"
sas_token = "{SAS}"

[backends.sftp]
type = "sftp"
host = "127.0.0.1"
port = "{port}"
user = "{pw_user}"
base_path = "{pw_base}"
password = "{SFTP_WRONG_PASSWORD}"
known_hosts = "{known_hosts}"

[stores.s3]
backend = "s3"
root = "secrets"

[stores.azure]
backend = "azure"

[stores.sftp]
backend = "sftp"
"#,
        bucket = env("STORE_TEST_S3_BUCKET"),
        s3 = env("STORE_TEST_S3_ENDPOINT"),
        container = env("STORE_TEST_AZURE_CONTAINER"),
        az = env("STORE_TEST_AZURE_ENDPOINT"),
        account = env("STORE_TEST_AZURE_ACCOUNT"),
        port = env("STORE_TEST_SFTP_PORT"),
        pw_user = env("STORE_TEST_SFTP_PASSWORD_USER"),
        pw_base = env("STORE_TEST_SFTP_PASSWORD_BASE"),
        known_hosts = env("STORE_TEST_SFTP_KNOWN_HOSTS"),
    );
    let registry = Registry::from_toml_str(&toml).unwrap();
    shown.value("registry", &registry);
    for name in ["s3", "azure", "sftp"] {
        let store = registry.async_store(name).unwrap();
        shown.value(name, &store);
        shown.outcome(name, store.read_bytes("missing.txt").await);
        shown.outcome(name, store.ping().await);
    }
    // A TOML error shows where, never what.
    let err = Registry::from_toml_str(&format!(
        "[backends.x]\ntype = \"sftp\"\npassword = \"{SFTP_WRONG_PASSWORD}\"\n[stores.y]\nbackend = 7\n"
    ))
    .unwrap_err();
    shown.error("a bad registry", &err);

    eprintln!(
        "formatted {} values and {} errors; none shows any of {} secrets",
        shown.values,
        shown.errors,
        shown.secrets.len()
    );
    assert!(
        shown.values >= 25 && shown.errors >= 25,
        "too little was checked"
    );
}
