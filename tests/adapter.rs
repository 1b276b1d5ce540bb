//! `SyncBackendAdapter`: a blocking backend in the async world (C-7.3): listing order
//! and per-item errors preserved, panics turned into errors, both runtime flavours, and no
//! runtime at all.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use futures_util::{stream, StreamExt};
use store::{
    AsyncContent, AsyncStore, AtomicWriter, Backend, Content, DeleteFolderOptions, Error,
    ErrorKind, FileInfo, FolderEntry, ListIter, ListOptions, MemoryBackend, ReadStream, Result,
    StorePath, WriteOptions, WriteResult,
};

/// A memory backend with two faults: `list_files` of `faulty` yields an error between items,
/// and any read of `boom` panics. It counts `list_files` calls; `list_files` of `endless`
/// never ends and counts what it yields.
struct Faulty {
    inner: MemoryBackend,
    listings: AtomicUsize,
    /// How many items the endless listing of `endless` has yielded.
    pulled: Arc<AtomicUsize>,
}

impl Faulty {
    fn new() -> Self {
        Faulty {
            inner: MemoryBackend::new(),
            listings: AtomicUsize::new(0),
            pulled: Arc::new(AtomicUsize::new(0)),
        }
    }
}

/// The memory backend's operations, written with the macro like any backend.
#[store::backend(name = "faulty", flags(atomic_move, seekable_read))]
impl Faulty {
    fn exists(&self, path: &StorePath) -> Result<bool> {
        self.inner.exists(path)
    }
    fn is_file(&self, path: &StorePath) -> Result<bool> {
        self.inner.is_file(path)
    }
    fn is_folder(&self, path: &StorePath) -> Result<bool> {
        self.inner.is_folder(path)
    }
    fn read(&self, path: &StorePath) -> Result<ReadStream> {
        if path.name() == "boom" {
            panic!("read of boom");
        }
        self.inner.read(path)
    }
    fn read_bytes(&self, path: &StorePath) -> Result<Bytes> {
        if path.name() == "boom" {
            panic!("read_bytes of boom");
        }
        self.inner.read_bytes(path)
    }
    fn write(&self, path: &StorePath, content: Content, o: &WriteOptions) -> Result<WriteResult> {
        self.inner.write(path, content, o)
    }
    fn write_atomic(
        &self,
        path: &StorePath,
        content: Content,
        o: &WriteOptions,
    ) -> Result<WriteResult> {
        self.inner.write_atomic(path, content, o)
    }
    fn open_atomic(&self, path: &StorePath, o: &WriteOptions) -> Result<AtomicWriter> {
        self.inner.open_atomic(path, o)
    }
    fn delete(&self, path: &StorePath, missing_ok: bool) -> Result<()> {
        self.inner.delete(path, missing_ok)
    }
    fn delete_folder(&self, path: &StorePath, o: &DeleteFolderOptions) -> Result<()> {
        self.inner.delete_folder(path, o)
    }
    fn list_files(&self, path: &StorePath, o: &ListOptions) -> Result<ListIter<FileInfo>> {
        self.listings.fetch_add(1, Ordering::SeqCst);
        if path.name() == "endless" {
            let (path, pulled) = (path.clone(), Arc::clone(&self.pulled));
            return Ok(Box::new((0u64..).map(move |i| {
                pulled.fetch_add(1, Ordering::SeqCst);
                Ok(FileInfo::new(path.join(i.to_string()).unwrap(), i, None))
            })));
        }
        if path.name() != "faulty" {
            return self.inner.list_files(path, o);
        }
        let file = |name: &str| Ok(FileInfo::new(path.join(name).unwrap(), 1, None));
        let items = vec![
            file("c"),
            file("a"),
            file("b"),
            Err(Error::new(
                ErrorKind::PermissionDenied,
                "denied mid-listing",
            )),
            file("d"),
        ];
        Ok(Box::new(items.into_iter()))
    }
    fn list_folders(&self, path: &StorePath, o: &ListOptions) -> Result<ListIter<FolderEntry>> {
        self.inner.list_folders(path, o)
    }
    fn rename(&self, src: &StorePath, dst: &StorePath, overwrite: bool) -> Result<()> {
        self.inner.rename(src, dst, overwrite)
    }
    fn copy(&self, src: &StorePath, dst: &StorePath, overwrite: bool) -> Result<()> {
        self.inner.copy(src, dst, overwrite)
    }
    fn get_file_info(&self, path: &StorePath) -> Result<FileInfo> {
        self.inner.get_file_info(path)
    }
}

/// A listing streams across the blocking pool in batches: the first item arrives although the
/// listing never ends, the walk runs at most a few batches ahead of the consumer, and dropping
/// the stream stops it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listings_stream_in_batches_and_stop_when_dropped() {
    let faulty = Faulty::new();
    let pulled = Arc::clone(&faulty.pulled);
    let store = AsyncStore::new(faulty);
    let mut items = store
        .list_files("endless", &ListOptions::new())
        .await
        .expect("an endless listing opens");
    assert_eq!(items.next().await.unwrap().unwrap().name, "0");
    let taken = items.by_ref().take(999).count().await + 1;
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let ahead = pulled.load(Ordering::SeqCst) - taken;
    assert!(
        ahead <= 3 * 256,
        "{ahead} items pulled ahead of the consumer"
    );
    drop(items);
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let stopped = pulled.load(Ordering::SeqCst);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(
        pulled.load(Ordering::SeqCst),
        stopped,
        "the walk went on after the drop"
    );
}

async fn listing_keeps_order_and_stops_after_the_error(store: &AsyncStore) {
    let items: Vec<_> = store
        .list_files("faulty", &ListOptions::new())
        .await
        .expect("eager checks pass")
        .collect()
        .await;
    let names: Vec<String> = items
        .iter()
        .map(|r| match r {
            Ok(f) => f.name.clone(),
            Err(e) => format!("error:{:?}", e.kind()),
        })
        .collect();
    assert_eq!(names, ["c", "a", "b", "error:PermissionDenied"]);
    assert_eq!(items[3].as_ref().unwrap_err().backend(), Some("faulty"));
}

async fn panics_become_errors_and_the_adapter_survives(store: &AsyncStore) {
    store
        .write("x/boom", "data", &WriteOptions::new())
        .await
        .unwrap();
    let err = store.read_bytes("x/boom").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Other);
    assert!(
        err.message().contains("backend panicked in read_bytes"),
        "{err}"
    );
    let err = store.read("x/boom").await.err().expect("read panics");
    assert!(err.message().contains("backend panicked in read"), "{err}");
    store
        .write("x/fine", "still here", &WriteOptions::new())
        .await
        .unwrap();
    assert_eq!(store.read_text("x/fine").await.unwrap(), "still here");
}

async fn byte_streams_are_chunked(store: &AsyncStore) {
    let data: Vec<u8> = (0..200_000u32).map(|i| i as u8).collect();
    store
        .write("big.bin", data.clone(), &WriteOptions::new())
        .await
        .unwrap();
    let mut stream = store.read("big.bin").await.unwrap();
    let mut sizes = Vec::new();
    let mut back = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.unwrap();
        sizes.push(chunk.len());
        back.extend_from_slice(&chunk);
    }
    assert_eq!(
        sizes,
        [
            store::CHUNK_SIZE,
            store::CHUNK_SIZE,
            store::CHUNK_SIZE,
            200_000 - 3 * store::CHUNK_SIZE
        ]
    );
    assert_eq!(back, data);
    assert!(stream.next().await.is_none(), "fused after the end");
}

async fn stream_content_is_pumped_through(store: &AsyncStore) {
    let chunks = (0..40).map(|i| Ok(Bytes::from(vec![i as u8; 10_000])));
    let result = store
        .write(
            "streamed.bin",
            AsyncContent::stream(stream::iter(chunks)),
            &WriteOptions::new(),
        )
        .await
        .unwrap();
    assert_eq!(result.size, 400_000);
    let back = store.read_bytes("streamed.bin").await.unwrap();
    assert_eq!(back.len(), 400_000);
    assert_eq!(back[399_999], 39);
}

async fn all_behaviours(store: AsyncStore) {
    listing_keeps_order_and_stops_after_the_error(&store).await;
    panics_become_errors_and_the_adapter_survives(&store).await;
    byte_streams_are_chunked(&store).await;
    stream_content_is_pumped_through(&store).await;
}

#[tokio::test(flavor = "current_thread")]
async fn adapter_on_a_current_thread_runtime() {
    all_behaviours(AsyncStore::new(Faulty::new())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn adapter_on_a_multi_thread_runtime() {
    all_behaviours(AsyncStore::new(Faulty::new())).await;
}

#[test]
fn adapter_without_a_runtime_runs_inline() {
    assert!(tokio::runtime::Handle::try_current().is_err());
    futures_executor::block_on(all_behaviours(AsyncStore::new(Faulty::new())));
}

#[test]
fn one_blocking_call_per_listing() {
    let backend = Arc::new(Faulty::new());
    let store = AsyncStore::new(store::SyncBackendAdapter::from_arc(backend.clone()));
    futures_executor::block_on(async {
        let listed: Vec<_> = store
            .list_files("", &ListOptions::new())
            .await
            .unwrap()
            .collect()
            .await;
        assert!(listed.is_empty());
    });
    assert_eq!(backend.listings.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn futures_and_streams_are_send_and_static() {
    let store = AsyncStore::new(MemoryBackend::new());
    store
        .write("a.txt", "abc", &WriteOptions::new())
        .await
        .unwrap();
    let cloned = store.clone();
    let read = tokio::spawn(async move { cloned.read_bytes("a.txt").await });
    assert_eq!(read.await.unwrap().unwrap(), "abc");
    let stream = store.read("a.txt").await.unwrap();
    let drained = tokio::spawn(async move { stream.collect::<Vec<_>>().await });
    assert_eq!(drained.await.unwrap().len(), 1);
}

/// A backend that never blocks (memory) is called inline: with tokio's only blocking thread
/// held, its calls still complete. A layer around it, and streamed content, go to the pool.
#[test]
fn a_backend_that_never_blocks_is_called_inline() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .max_blocking_threads(1)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let (release, held) = std::sync::mpsc::channel::<()>();
        let pool = tokio::task::spawn_blocking(move || held.recv());
        let store = AsyncStore::new(MemoryBackend::new());
        let quick = std::time::Duration::from_secs(2);
        let inline = async {
            store.write("a.txt", "x", &WriteOptions::new()).await?;
            let text = store.read_text("a.txt").await?;
            let mut read = store.read("a.txt").await?;
            let first = read.next().await.transpose()?;
            let listed = store
                .list_files("", &ListOptions::new())
                .await?
                .count()
                .await;
            Ok::<_, store::Error>((text, first, listed))
        };
        let (text, first, listed) = tokio::time::timeout(quick, inline)
            .await
            .expect("memory calls ran inline while the blocking pool was held")
            .unwrap();
        assert_eq!((text.as_str(), listed), ("x", 1));
        assert_eq!(first.as_deref(), Some(&b"x"[..]));

        // Streamed content waits on its stream: it goes to the (held) pool.
        let streamed = AsyncContent::stream(stream::iter([Ok(Bytes::from("y"))]));
        let create = WriteOptions::new();
        let write = store.write("b.txt", streamed, &create);
        assert!(
            tokio::time::timeout(std::time::Duration::from_millis(200), write)
                .await
                .is_err()
        );
        // So does a layer around the memory backend.
        let observe = store::layers::Observe::new().on_event(|_| {});
        let layered = AsyncStore::new(store::Layered::new(observe, Arc::new(MemoryBackend::new())));
        let write = layered.write("c.txt", "z", &create);
        assert!(
            tokio::time::timeout(std::time::Duration::from_millis(200), write)
                .await
                .is_err()
        );
        release.send(()).unwrap();
        pool.await.unwrap().unwrap();
    });
}
