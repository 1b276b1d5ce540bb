//! A small but real async backend written with `#[store::backend]`: a flat key/value service
//! behind an async lock, with seven operations. Everything else — `name()`, `capabilities()`,
//! the `Unsupported` answers, `read` and the probes — comes from the macro, and the backend is
//! usable through both `AsyncStore` and `Store`. `tests/` runs the whole conformance kit on it.

use std::collections::BTreeMap;
use std::time::SystemTime;

use store::{AsyncContent, Bytes, DeleteFolderOptions, Error, ErrorKind, FileInfo, FolderEntry};
use store::{ListOptions, ListStream, Result, StorePath, WriteOptions, WriteResult};
use tokio::sync::RwLock;

type Map = BTreeMap<StorePath, (Bytes, SystemTime)>;

/// Files by key; a folder exists while some key lies below it (a flat namespace).
#[derive(Default)]
pub struct KvBackend {
    map: RwLock<Map>,
}

/// The entries strictly below `dir`, with their depth below it (1 = direct child).
fn below<'m>(
    map: &'m Map,
    dir: &'m StorePath,
) -> impl Iterator<Item = (&'m StorePath, &'m (Bytes, SystemTime), usize)> {
    map.iter().filter_map(move |(k, v)| {
        k.strip_prefix(dir)
            .filter(|r| !r.is_root())
            .map(|r| (k, v, r.depth()))
    })
}

/// `NotFound`, or `InvalidPath` when `path` is a folder (CONTRACT C-2.5); the root is refused.
fn miss(map: &Map, path: &StorePath) -> Error {
    let err = match below(map, path).next() {
        _ if path.is_root() => Error::root_is_folder(),
        Some(_) => Error::invalid_path(path.as_str(), "is a folder"),
        None => Error::not_found(path.as_str()),
    };
    err.with_backend("kv")
}

fn list<T: Send + 'static>(items: Vec<T>) -> ListStream<T> {
    Box::pin(futures_util::stream::iter(items.into_iter().map(Ok)))
}

#[store::backend(name = "kv", namespace = flat)]
impl KvBackend {
    async fn read_bytes(&self, path: &StorePath) -> Result<Bytes> {
        let map = self.map.read().await;
        map.get(path)
            .map(|(data, _)| data.clone())
            .ok_or_else(|| miss(&map, path))
    }

    async fn get_file_info(&self, path: &StorePath) -> Result<FileInfo> {
        let map = self.map.read().await;
        let (data, at) = map.get(path).ok_or_else(|| miss(&map, path))?;
        Ok(FileInfo::new(path.clone(), data.len() as u64, Some(*at)))
    }

    async fn write(
        &self,
        path: &StorePath,
        content: AsyncContent,
        options: &WriteOptions,
    ) -> Result<WriteResult> {
        let taken = |map: &Map| !options.overwrite && map.contains_key(path);
        if path.is_root() || taken(&*self.map.read().await) {
            return Err(if path.is_root() {
                miss(&Map::new(), path)
            } else {
                Error::already_exists(path.as_str()).with_backend("kv")
            });
        }
        let data = content.into_bytes().await?;
        let mut map = self.map.write().await;
        if taken(&map) {
            return Err(Error::already_exists(path.as_str()).with_backend("kv"));
        }
        map.insert(path.clone(), (data.clone(), SystemTime::now()));
        Ok(WriteResult::basic(path.clone(), data.len() as u64))
    }

    async fn delete(&self, path: &StorePath, missing_ok: bool) -> Result<()> {
        let mut map = self.map.write().await;
        match map.remove(path) {
            Some(_) => Ok(()),
            None => match miss(&map, path) {
                e if e.kind() == ErrorKind::NotFound && missing_ok => Ok(()),
                e => Err(e),
            },
        }
    }

    async fn delete_folder(&self, path: &StorePath, options: &DeleteFolderOptions) -> Result<()> {
        let mut map = self.map.write().await;
        let count = below(&map, path).count();
        match () {
            _ if path.is_root() || map.contains_key(path) => {
                Err(Error::invalid_path(path.as_str(), "not a folder").with_backend("kv"))
            }
            _ if count == 0 && options.missing_ok => Ok(()),
            _ if count == 0 => Err(Error::not_found(path.as_str()).with_backend("kv")),
            _ if !options.recursive => Err(Error::new(
                ErrorKind::DirectoryNotEmpty,
                "folder is not empty",
            )
            .with_path(path.as_str())
            .with_backend("kv")),
            _ => {
                map.retain(|k, _| k.strip_prefix(path).is_none());
                Ok(())
            }
        }
    }

    async fn list_files(
        &self,
        path: &StorePath,
        options: &ListOptions,
    ) -> Result<ListStream<FileInfo>> {
        let map = self.map.read().await;
        let files = below(&map, path).filter(|(_, _, depth)| *depth == 1 || options.descends());
        Ok(list(
            files
                .map(|(k, (data, at), _)| FileInfo::new(k.clone(), data.len() as u64, Some(*at)))
                .collect(),
        ))
    }

    async fn list_folders(
        &self,
        path: &StorePath,
        options: &ListOptions,
    ) -> Result<ListStream<FolderEntry>> {
        let map = self.map.read().await;
        let mut folders = std::collections::BTreeSet::new();
        for (key, _, _) in below(&map, path) {
            let mut folder = key.parent();
            while let Some(f) =
                folder.filter(|f| f.strip_prefix(path).is_some_and(|r| !r.is_root()))
            {
                if f.depth() == path.depth() + 1 || options.descends() {
                    folders.insert(f.clone());
                }
                folder = f.parent();
            }
        }
        Ok(list(folders.into_iter().map(FolderEntry::new).collect()))
    }
}

fn main() -> Result<()> {
    tokio::runtime::Runtime::new()
        .expect("a tokio runtime")
        .block_on(async {
            let store = store::AsyncStore::new(KvBackend::default());
            println!("[async] {store:?} can {}", store.capabilities());
            store
                .write("notes/today.txt", "remember the milk", &WriteOptions::new())
                .await?;
            println!(
                "[async] read back {:?}",
                store.read_text("notes/today.txt").await?
            );
            let err = store
                .rename("notes/today.txt", "x", false)
                .await
                .unwrap_err();
            println!("[async] rename is not implemented: {err}");
            Ok::<_, Error>(())
        })?;
    // The same backend in the blocking world, through a private runtime thread.
    let store = store::Store::new(KvBackend::default());
    store.write("a/b.txt", "blocking", &WriteOptions::new())?;
    println!(
        "[sync] {} files under a/",
        store.list_files("a", &ListOptions::new())?.count()
    );
    println!("[sync] is_folder(a) = {}", store.is_folder("a")?);
    Ok(())
}
