//! A small but real async backend written with `#[store::backend]`: a flat key/value service
//! behind an async lock, with six operations. Everything else — `name()`, `capabilities()`,
//! the `Unsupported` answers, `read`, the probes, the backend name on errors — comes from the
//! macro, and the backend works through both `AsyncStore` and `Store`. `tests/custom_backend.rs`
//! runs the whole conformance kit on it, in both worlds.

use std::collections::{BTreeMap, BTreeSet};
use std::time::SystemTime;

use store::{stream_items, AsyncContent, Bytes, Error, FileInfo, FolderEntry, ListOptions};
use store::{ListStream, Result, StorePath, WriteOptions, WriteResult};
use tokio::sync::RwLock;

type Map = BTreeMap<StorePath, (Bytes, SystemTime)>;

/// Files by key; a folder exists while some key lies below it (a flat namespace).
#[derive(Default)]
pub struct KvBackend {
    map: RwLock<Map>,
}

/// The keys strictly below `dir`, with their depth below it (1 = a direct child).
fn below<'m>(map: &'m Map, dir: &'m StorePath) -> impl Iterator<Item = (&'m StorePath, usize)> {
    let depth = move |k: &StorePath| k.strip_prefix(dir).map(|r| r.depth()).filter(|d| *d > 0);
    map.keys().filter_map(move |k| Some((k, depth(k)?)))
}

/// The file at `key` and its facts; the root or a folder is `InvalidPath` (C-2.5).
fn file(map: &Map, key: &StorePath) -> Result<(Bytes, FileInfo)> {
    let (data, at) = map.get(key).ok_or_else(|| match below(map, key).next() {
        _ if key.is_root() => Error::root_is_folder(),
        Some(_) => Error::invalid_path(key.as_str(), "is a folder"),
        None => Error::not_found(key.as_str()),
    })?;
    let info = FileInfo::new(key.clone(), data.len() as u64, Some(*at));
    Ok((data.clone(), info))
}

#[store::backend(name = "kv", namespace = flat, flags(atomic_move))]
impl KvBackend {
    async fn read_bytes(&self, path: &StorePath) -> Result<Bytes> {
        Ok(file(&*self.map.read().await, path)?.0)
    }
    async fn get_file_info(&self, path: &StorePath) -> Result<FileInfo> {
        Ok(file(&*self.map.read().await, path)?.1)
    }
    /// Checks, reads the content and stores it under one write lock: one creator wins.
    async fn write(&self, p: &StorePath, c: AsyncContent, o: &WriteOptions) -> Result<WriteResult> {
        let mut map = self.map.write().await;
        o.check_target(p, map.contains_key(p))?;
        let data = c.into_bytes().await?;
        let result = WriteResult::basic(p.clone(), data.len() as u64);
        map.insert(p.clone(), (data, SystemTime::now()));
        Ok(result)
    }
    async fn rename(&self, src: &StorePath, dst: &StorePath, overwrite: bool) -> Result<()> {
        let mut map = self.map.write().await;
        let (data, info) = file(&map, src)?;
        let taken = src != dst && map.contains_key(dst);
        WriteOptions::new()
            .overwrite(overwrite)
            .check_target(dst, taken)?;
        map.remove(src);
        map.insert(
            dst.clone(),
            (data, info.modified_at.unwrap_or_else(SystemTime::now)),
        );
        Ok(())
    }
    async fn list_files(&self, path: &StorePath, o: &ListOptions) -> Result<ListStream<FileInfo>> {
        let map = self.map.read().await;
        let keys = below(&map, path).filter(|(_, depth)| *depth == 1 || o.descends());
        let files: Vec<FileInfo> = keys
            .filter_map(|(k, _)| Some(file(&map, k).ok()?.1))
            .collect();
        Ok(stream_items(files))
    }
    async fn list_folders(
        &self,
        p: &StorePath,
        o: &ListOptions,
    ) -> Result<ListStream<FolderEntry>> {
        let map = self.map.read().await;
        let mut folders = BTreeSet::new();
        for (key, depth) in below(&map, p) {
            let up = std::iter::successors(key.parent(), StorePath::parent).zip((1..depth).rev());
            folders.extend(up.filter(|(_, d)| *d == 1 || o.descends()).map(|(f, _)| f));
        }
        Ok(stream_items(folders.into_iter().map(FolderEntry::new)))
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
            store
                .rename("notes/today.txt", "notes/done.txt", false)
                .await?;
            let err = store.delete("notes/done.txt", false).await.unwrap_err();
            println!("[async] delete is not implemented: {err}");
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
