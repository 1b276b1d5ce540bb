//! `Registry`: named backends and named stores from TOML, built lazily, one backend instance
//! per name shared by every store (and both worlds) that names it.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use serde::Deserialize;

use super::types::{BackendType, Opened};
use crate::api::{AsyncBackend, Backend};
use crate::error::{Error, Result};
use crate::path::StorePath;
use crate::secret::Secret;
use crate::stores::asynchronous::AsyncStore;
use crate::stores::blocking::Store;

/// Named backends and named stores, from TOML:
///
/// ```toml
/// [backends.archive]
/// type = "s3"                 # memory, local, s3, azure, gcs, webdav or sftp
/// bucket = "reports"          # local: path; azure: container; sftp: host, port, user, base_path
/// region = "eu-west-1"
/// max_retries = 5
/// access_key_id = "AKID…"
/// secret_access_key = { env = "AWS_SECRET_ACCESS_KEY" }   # read when the backend is built
///
/// [stores.reports]
/// backend = "archive"
/// root = "reports/2026"
/// ```
///
/// Every other key of a backend is a key of its builder, as its `with_config` takes it (the
/// keys are listed with each builder: [`LocalBuilder`](crate::LocalBuilder), `S3Builder`,
/// `AzureBuilder`, `GcsBuilder`, `WebDavBuilder`, `SftpBuilder`), and as [`Store::from_url`] takes them as options.
/// A value may name an environment variable (`{ env = "NAME" }`); nothing else reads the
/// environment. Backends are built on first use, once: stores naming the same backend share
/// one instance, and closing a store leaves it open. Syntax and shape errors, and a store that
/// names an unknown backend, carry the TOML line and column; no value is ever shown, by
/// `Debug` either.
///
/// ```
/// use store::{Registry, WriteOptions};
/// let registry = Registry::from_toml_str(r#"
///     [backends.scratch]
///     type = "memory"
///
///     [stores.reports]
///     backend = "scratch"
///     root = "reports/2026"
/// "#)?;
/// let reports = registry.store("reports")?;
/// reports.write("q1.csv", "a,b\n", &WriteOptions::new())?;
/// assert_eq!(registry.store("reports")?.read_text("q1.csv")?, "a,b\n");
/// # Ok::<(), store::Error>(())
/// ```
pub struct Registry {
    backends: BTreeMap<String, Named>,
    stores: BTreeMap<String, (String, StorePath)>,
}

/// One named backend: its settings, and the instance once built, in each world.
struct Named {
    kind: String,
    settings: Vec<(String, Setting)>,
    built: Mutex<Built>,
}

#[derive(Default)]
struct Built {
    blocking: Option<Arc<dyn Backend>>,
    asynchronous: Option<Arc<dyn AsyncBackend>>,
}

/// A setting's value: given, or the name of the environment variable that holds it.
enum Setting {
    Value(Secret),
    Env(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegistry {
    #[serde(default)]
    backends: BTreeMap<String, RawBackend>,
    #[serde(default)]
    stores: BTreeMap<String, RawStore>,
}

#[derive(Deserialize)]
struct RawBackend {
    #[serde(rename = "type")]
    kind: String,
    #[serde(flatten)]
    settings: BTreeMap<String, RawValue>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawValue {
    Text(String),
    Flag(bool),
    Number(u64),
    Env { env: String },
}

impl RawValue {
    /// The value as a builder's `with_config` takes it; `None` for one read later from the
    /// environment.
    fn given(&self) -> Option<String> {
        match self {
            RawValue::Text(t) => Some(t.clone()),
            RawValue::Flag(b) => Some(b.to_string()),
            RawValue::Number(n) => Some(n.to_string()),
            RawValue::Env { .. } => None,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStore {
    backend: toml::Spanned<String>,
    #[serde(default)]
    root: String,
}

/// `InvalidArgument` at a place in the TOML text.
fn at(text: &str, span: Option<Range<usize>>, message: impl fmt::Display) -> Error {
    let Some(span) = span else {
        return Error::invalid_argument(format!("store registry: {message}"));
    };
    let before = &text[..span.start.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    Error::invalid_argument(format!(
        "store registry, line {line}, column {column}: {message}"
    ))
}

impl Registry {
    /// Reads a registry from TOML text; nothing is built yet.
    pub fn from_toml_str(text: &str) -> Result<Registry> {
        let raw: RawRegistry = toml::from_str(text).map_err(|e| at(text, e.span(), e.message()))?;
        let mut stores = BTreeMap::new();
        for (name, store) in raw.stores {
            if !raw.backends.contains_key(store.backend.get_ref()) {
                let known: Vec<&str> = raw.backends.keys().map(String::as_str).collect();
                return Err(at(
                    text,
                    Some(store.backend.span()),
                    format!(
                        "store `{name}` names the backend `{}`, which is not defined (defined: {})",
                        store.backend.get_ref(),
                        known.join(", ")
                    ),
                ));
            }
            let root = StorePath::folder(&store.root).map_err(|e| {
                Error::invalid_argument(format!("store registry: store `{name}`: {e}"))
            })?;
            stores.insert(name, (store.backend.into_inner(), root));
        }
        // Every setting is checked now, each error at its key: a second, span-keeping parse
        // of the same text finds where each key is.
        let layout = toml::de::DeTable::parse(text).ok();
        fn find<'t, 'i>(
            table: &'t toml::de::DeTable<'i>,
            name: &str,
        ) -> Option<(Range<usize>, &'t toml::de::DeValue<'i>)> {
            table
                .iter()
                .find(|(k, _)| k.get_ref() == name)
                .map(|(k, v)| (k.span(), v.get_ref()))
        }
        let span_of = |backend: &str, key: &str| -> Option<Range<usize>> {
            let root = layout.as_ref()?.get_ref();
            let backends = find(root, "backends")?.1.as_table()?;
            let table = find(backends, backend)?.1.as_table()?;
            find(table, key).map(|(span, _)| span)
        };
        for (name, backend) in &raw.backends {
            let fail = |key: &str, e: Error| {
                at(
                    text,
                    span_of(name, key),
                    format!("backend `{name}`: {}", e.message()),
                )
            };
            let build = BackendType::named(&backend.kind)
                .and_then(BackendType::build)
                .map_err(|e| fail("type", e))?;
            for (key, value) in &backend.settings {
                (build.check)(key, value.given().as_deref()).map_err(|e| fail(key, e))?;
            }
        }
        let backends = raw
            .backends
            .into_iter()
            .map(|(name, backend)| {
                let settings = backend
                    .settings
                    .into_iter()
                    .map(|(key, value)| {
                        let value = match value {
                            RawValue::Env { env } => Setting::Env(env),
                            given => Setting::Value(Secret::new(given.given().unwrap_or_default())),
                        };
                        (key, value)
                    })
                    .collect();
                let named = Named {
                    kind: backend.kind,
                    settings,
                    built: Mutex::new(Built::default()),
                };
                (name, named)
            })
            .collect();
        Ok(Registry { backends, stores })
    }

    /// Reads a registry from a TOML file.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Registry> {
        let text = std::fs::read_to_string(path.as_ref())
            .map_err(|e| Error::from_io_unlocated(e).with_path("the registry file"))?;
        Registry::from_toml_str(&text)
    }

    /// The blocking store `name`, building its backend on first use.
    pub fn store(&self, name: &str) -> Result<Store> {
        let (backend, root) = self.find(name)?;
        Store::shared(self.backend(backend, |b| &mut b.blocking)?, root)
    }

    /// The async store `name`, building its backend on first use.
    pub fn async_store(&self, name: &str) -> Result<AsyncStore> {
        let (backend, root) = self.find(name)?;
        AsyncStore::shared(self.backend(backend, |b| &mut b.asynchronous)?, root)
    }

    /// The names of the stores, sorted.
    pub fn store_names(&self) -> impl Iterator<Item = &str> {
        self.stores.keys().map(String::as_str)
    }

    fn find(&self, name: &str) -> Result<(&str, &StorePath)> {
        self.stores
            .get(name)
            .map(|(backend, root)| (backend.as_str(), root))
            .ok_or_else(|| {
                let known: Vec<&str> = self.store_names().collect();
                Error::invalid_argument(format!(
                    "no store `{name}` in the registry (stores: {})",
                    known.join(", ")
                ))
            })
    }

    /// The one instance of backend `name` in one world: the other world's instance wrapped
    /// in its adapter when that was built first, so both share one backend.
    fn backend<T: Clone>(
        &self,
        name: &str,
        slot: impl Fn(&mut Built) -> &mut Option<T>,
    ) -> Result<T>
    where
        Opened: Into<T>,
        Arc<dyn Backend>: IntoWorld<T>,
        Arc<dyn AsyncBackend>: IntoWorld<T>,
    {
        let named = &self.backends[name];
        let mut built = named.built.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(ready) = slot(&mut built) {
            return Ok(ready.clone());
        }
        let ours = match (&built.blocking, &built.asynchronous) {
            (Some(b), _) => Arc::clone(b).into_world(),
            (None, Some(a)) => Arc::clone(a).into_world(),
            (None, None) => {
                let opened = named.open().map_err(|e| {
                    Error::new(e.kind(), format!("backend `{name}`: {}", e.message()))
                })?;
                // Built once, in the world it is native to; the other world adapts it.
                match opened {
                    Opened::Memory => {
                        let b: Arc<dyn Backend> = Arc::new(crate::MemoryBackend::new());
                        built.blocking = Some(Arc::clone(&b));
                        b.into_world()
                    }
                    Opened::Blocking(b) => {
                        built.blocking = Some(Arc::clone(&b));
                        b.into_world()
                    }
                    Opened::Async(a) => {
                        built.asynchronous = Some(Arc::clone(&a));
                        a.into_world()
                    }
                }
            }
        };
        *slot(&mut built) = Some(ours.clone());
        Ok(ours)
    }
}

/// An instance of one world as the other world's (or its own) backend.
trait IntoWorld<T> {
    fn into_world(self) -> T;
}

impl IntoWorld<Arc<dyn Backend>> for Arc<dyn Backend> {
    fn into_world(self) -> Arc<dyn Backend> {
        self
    }
}

impl IntoWorld<Arc<dyn AsyncBackend>> for Arc<dyn Backend> {
    fn into_world(self) -> Arc<dyn AsyncBackend> {
        Opened::Blocking(self).into()
    }
}

impl IntoWorld<Arc<dyn AsyncBackend>> for Arc<dyn AsyncBackend> {
    fn into_world(self) -> Arc<dyn AsyncBackend> {
        self
    }
}

impl IntoWorld<Arc<dyn Backend>> for Arc<dyn AsyncBackend> {
    fn into_world(self) -> Arc<dyn Backend> {
        Opened::Async(self).into()
    }
}

impl Named {
    /// Builds the backend from its builder, every setting (an environment variable read now)
    /// through the builder's `with_config`.
    fn open(&self) -> Result<Opened> {
        let mut settings = Vec::with_capacity(self.settings.len());
        for (key, setting) in &self.settings {
            let value = match setting {
                Setting::Value(v) => v.expose().to_owned(),
                Setting::Env(var) => std::env::var(var).map_err(|_| {
                    Error::invalid_argument(format!(
                        "the setting `{key}` names the environment variable {var}, which is not set"
                    ))
                })?,
            };
            settings.push((key.clone(), value));
        }
        let build = BackendType::named(&self.kind)?.build()?;
        (build.open)(None, settings).map(|(opened, _)| opened)
    }
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let backends: BTreeMap<&str, (&str, Vec<&str>)> = self
            .backends
            .iter()
            .map(|(name, b)| {
                let keys = b.settings.iter().map(|(k, _)| k.as_str()).collect();
                (name.as_str(), (b.kind.as_str(), keys))
            })
            .collect();
        f.debug_struct("Registry")
            .field("backends", &backends)
            .field("stores", &self.stores)
            .finish()
    }
}
