//! `glob_files`: a glob over any store — the backend's own where it declares Glob, else a
//! listing beneath the pattern's longest literal folder, matched with the same grammar.

use futures_util::StreamExt;

use crate::content::ListStream;
use crate::entry::FileInfo;
use crate::error::Result;
use crate::{AsyncStore, Capability, ListOptions, Pattern, StorePath};

/// The files of `store` matching `pattern` (the grammar of `glob`: `*`, `?`, `[...]`, `**`),
/// whatever the backend: its native `glob` when it declares Glob; otherwise the files listed
/// beneath the longest folder prefix free of wildcards (recursively only when the pattern
/// needs it), matched on their full store-relative paths. Both give the same answers.
///
/// ```
/// use futures_util::TryStreamExt;
/// use store::{AsyncStore, MemoryBackend, WriteOptions};
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let store = AsyncStore::new(MemoryBackend::new());
/// for path in ["src/main.rs", "src/io/mod.rs", "README.md"] {
///     store.write(path, "x", &WriteOptions::new()).await?;
/// }
/// let found: Vec<_> = store::ext::glob_files(&store, "src/**/*.rs").await?.try_collect().await?;
/// assert_eq!(found.len(), 2);
/// # Ok::<(), store::Error>(())
/// # }).unwrap();
/// ```
pub async fn glob_files(
    store: &AsyncStore,
    pattern: impl AsRef<str>,
) -> Result<ListStream<FileInfo>> {
    let pattern = pattern.as_ref();
    if store.supports(Capability::Glob) {
        return store.glob(pattern).await;
    }
    let (compiled, folder, options) = fallback(pattern)?;
    let listed = store.list_files(folder.as_str(), &options).await?;
    Ok(Box::pin(listed.filter(move |file| {
        let keep = match file {
            Ok(file) => compiled.matches(file.path.as_str()),
            Err(_) => true,
        };
        std::future::ready(keep)
    })))
}

/// The listing `glob_files` falls back to without Glob, in either world: the compiled pattern,
/// the folder beneath which every match lies, and whether to list it recursively.
pub(super) fn fallback(pattern: &str) -> Result<(Pattern, StorePath, ListOptions)> {
    let compiled = Pattern::new(pattern)?;
    let folder = compiled.literal_prefix();
    let options = ListOptions::new().recursive(compiled.needs_recursion());
    Ok((compiled, folder, options))
}
