//! A streamed copy from one store to another is one line in both worlds.

use store::{AsyncMemoryBackend, AsyncStore, MemoryBackend, Store, WriteOptions};

use super::{data, temp};

#[test]
fn streamed_copy_is_one_line_in_the_blocking_world() {
    let dir = temp();
    let src = Store::new(MemoryBackend::new());
    let dst = Store::open_local(dir.path()).unwrap();
    let bytes = data(300_000);
    src.write("big.bin", bytes.clone(), &WriteOptions::new())
        .unwrap();

    dst.write(
        "copy.bin",
        src.read("big.bin").unwrap(),
        &WriteOptions::new(),
    )
    .unwrap();

    assert_eq!(dst.read_bytes("copy.bin").unwrap(), bytes);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streamed_copy_is_one_line_in_the_async_world() {
    let dir = temp();
    let src = AsyncStore::new(AsyncMemoryBackend::new());
    let dst = AsyncStore::open_local(dir.path()).unwrap();
    let bytes = data(300_000);
    src.write("big.bin", bytes.clone(), &WriteOptions::new())
        .await
        .unwrap();

    dst.write(
        "copy.bin",
        src.read("big.bin").await.unwrap(),
        &WriteOptions::new(),
    )
    .await
    .unwrap();

    assert_eq!(dst.read_bytes("copy.bin").await.unwrap(), bytes);
}
