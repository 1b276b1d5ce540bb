//! Conformance items (see docs/contract.md §8): ranges and streams (K-48 to K-57).

use std::io::{self, Read, Seek, SeekFrom};

use bytes::Bytes;
use futures_util::StreamExt;

use super::support::{create, expect_at, gates_or_unsupported, pattern_bytes, read_both, seed};
use super::{World, WorldKind};
use crate::{Capability, ErrorKind};

/// `content[min(offset, size) .. min(offset + len, size)]` ([C-6.6](crate::contract#C-6.6)).
fn expected_range(content: &[u8], offset: u64, len: u64) -> &[u8] {
    let size = content.len() as u64;
    let start = offset.min(size) as usize;
    let end = offset.saturating_add(len).min(size) as usize;
    &content[start..end]
}

/// K-48: `read_range` and `read_range_stream` return exactly the clamped slice of [C-6.6](crate::contract#C-6.6), never
/// an error past EOF.
pub async fn k048_read_range_table(w: &dyn World) {
    if !gates_or_unsupported(w, &[Capability::Write, Capability::Read]).await {
        return;
    }
    for (p, size) in [
        ("k048/data.bin", 1000u64),
        ("k048/small.bin", 3),
        ("k048/empty.bin", 0),
    ] {
        let content = pattern_bytes(size as usize);
        w.write(p, content.clone(), &create()).await.expect("write");
        let table = [
            (0, 0),
            (0, size),
            (3, 4),
            (size.saturating_sub(1), 10),
            (size, 5),
            (size + 9, 1),
            (5, u64::MAX),
            (0, u64::MAX),
            (u64::MAX, u64::MAX),
            (u64::MAX - 1, 5),
            (1, size),
        ];
        for (offset, len) in table {
            let got = w
                .read_range(p, offset, len)
                .await
                .unwrap_or_else(|e| panic!("read_range({p:?}, {offset}, {len}) failed: {e}"));
            let expected = expected_range(&content, offset, len);
            assert!(
                got == expected,
                "read_range({p:?} of {size} bytes, {offset}, {len}): got {} bytes, expected {}",
                got.len(),
                expected.len()
            );
            let streamed = w
                .read_range_stream(p, offset, len)
                .await
                .and_then(|drained| drained)
                .unwrap_or_else(|e| panic!("read_range_stream({p:?}, {offset}, {len}): {e}"));
            assert!(
                streamed == expected,
                "read_range_stream({p:?} of {size} bytes, {offset}, {len}): got {} bytes, expected {}",
                streamed.len(),
                expected.len()
            );
        }
    }
}

/// K-49: `read_range` and `read_range_stream` with len 0 are NotFound on a missing path and
/// InvalidPath on a folder.
pub async fn k049_read_range_len_zero_errors(w: &dyn World) {
    if !gates_or_unsupported(w, &[Capability::Write]).await {
        return;
    }
    seed(
        w,
        &[("k049/dir/inner.txt", "inner"), ("k049/file.txt", "file")],
    )
    .await;
    let cases = [
        ("k049/missing.txt", ErrorKind::NotFound),
        ("k049/none/missing.txt", ErrorKind::NotFound),
        ("k049/file.txt/below", ErrorKind::NotFound),
        ("k049/dir", ErrorKind::InvalidPath),
    ];
    for (p, kind) in cases {
        for offset in [0, 3, u64::MAX] {
            let result = w.read_range(p, offset, 0).await;
            let what = format!("read_range({p:?}, {offset}, 0)");
            expect_at(w, Capability::Read, result, kind, p, &what);
            let result = w.read_range_stream(p, offset, 0).await;
            let what = format!("read_range_stream({p:?}, {offset}, 0)");
            expect_at(w, Capability::Read, result, kind, p, &what);
        }
    }
    if w.capabilities().supports(Capability::Read) {
        for offset in [0, 2, 4, 100] {
            let got = w
                .read_range("k049/file.txt", offset, 0)
                .await
                .expect("read_range with len 0 of a file");
            assert!(got.is_empty(), "len 0 at {offset} gave {got:?}");
        }
    }
}

/// K-51: a sync `read` into a 100-byte buffer returns at most 100 bytes; EOF is `Ok(0)` again.
pub async fn k051_sync_read_small_buffer(w: &dyn World) {
    let store = w.sync_store().expect("K-51 runs in the sync world");
    if !gates_or_unsupported(w, &[Capability::Write, Capability::Read]).await {
        return;
    }
    for (p, size) in [
        ("k051/data.bin", 150_000),
        ("k051/tiny.bin", 7),
        ("k051/empty.bin", 0),
    ] {
        let content = pattern_bytes(size);
        w.write(p, content.clone(), &create()).await.expect("write");
        let mut stream = store
            .read(p)
            .unwrap_or_else(|e| panic!("read({p:?}) failed: {e}"));
        let mut got = Vec::new();
        let mut buf = [0u8; 100];
        loop {
            let n = stream
                .read(&mut buf)
                .unwrap_or_else(|e| panic!("{p:?}: Read::read failed: {e}"));
            assert!(n <= 100, "{p:?}: Read::read returned {n} > 100 bytes");
            if n == 0 {
                break;
            }
            got.extend_from_slice(&buf[..n]);
            assert!(got.len() <= size, "{p:?}: more bytes than the file holds");
        }
        assert_eq!(got.len(), size, "{p:?}: total size");
        assert!(
            got == content,
            "{p:?}: the chunks do not concatenate to the content"
        );
        for attempt in 0..3 {
            let n = stream
                .read(&mut buf)
                .unwrap_or_else(|e| panic!("{p:?}: read after EOF failed: {e}"));
            assert_eq!(n, 0, "{p:?}: read #{attempt} after EOF returned data");
        }
    }
}

/// K-52: an async `read` yields no empty chunks, concatenates to the content, and is fused.
pub async fn k052_async_read_chunks(w: &dyn World) {
    let store = w.async_store().expect("K-52 runs in the async world");
    if !gates_or_unsupported(w, &[Capability::Write, Capability::Read]).await {
        return;
    }
    let sizes = [
        ("k052/data.bin", 200_000),
        ("k052/chunk.bin", crate::CHUNK_SIZE),
        ("k052/tiny.bin", 1),
        ("k052/empty.bin", 0),
    ];
    for (p, size) in sizes {
        let content = pattern_bytes(size);
        w.write(p, content.clone(), &create()).await.expect("write");
        let mut stream = store
            .read(p)
            .await
            .unwrap_or_else(|e| panic!("read({p:?}) failed: {e}"));
        let mut got = Vec::new();
        let mut chunks = 0;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.unwrap_or_else(|e| panic!("{p:?}: chunk failed: {e}"));
            assert!(!chunk.is_empty(), "{p:?}: empty chunk #{chunks}");
            chunks += 1;
            got.extend_from_slice(&chunk);
            assert!(got.len() <= size, "{p:?}: more bytes than the file holds");
        }
        assert_eq!(got.len(), size, "{p:?}: total size");
        assert!(got == content, "{p:?}: the chunks do not concatenate");
        for attempt in 0..3 {
            assert!(
                stream.next().await.is_none(),
                "{p:?}: poll #{attempt} after the end yielded an item"
            );
        }
    }
}

/// K-53: NotFound and InvalidPath come from the `read()` call itself, never from the first chunk.
pub async fn k053_read_errors_come_from_the_call(w: &dyn World) {
    if !gates_or_unsupported(w, &[Capability::Write]).await {
        return;
    }
    seed(
        w,
        &[("k053/dir/inner.txt", "inner"), ("k053/file.txt", "file")],
    )
    .await;
    let cases = [
        ("k053/missing.txt", ErrorKind::NotFound),
        ("k053/none/missing.txt", ErrorKind::NotFound),
        ("k053/file.txt/below", ErrorKind::NotFound),
        ("k053/dir", ErrorKind::InvalidPath),
    ];
    for (p, kind) in cases {
        // `World::read`'s outer Result is the call's own; an `Ok(Err(..))` would be an error
        // deferred to the first chunk.
        let result = w.read(p).await;
        expect_at(w, Capability::Read, result, kind, p, "read");
        if let Some(store) = w.sync_store() {
            let result = store.read(p).map(|_| ());
            expect_at(w, Capability::Read, result, kind, p, "Store::read");
            let result = store.read_seekable(p).map(|_| ());
            expect_at(w, Capability::Read, result, kind, p, "Store::read_seekable");
        }
        if let Some(store) = w.async_store() {
            let result = store.read(p).await.map(|_| ());
            expect_at(w, Capability::Read, result, kind, p, "AsyncStore::read");
        }
    }
}

/// K-54: sync `read_seekable` handles Start, End(-3) and Current, reads `Ok(0)` past EOF, and a
/// negative position is InvalidInput.
pub async fn k054_read_seekable(w: &dyn World) {
    let store = w.sync_store().expect("K-54 runs in the sync world");
    if !gates_or_unsupported(w, &[Capability::Write, Capability::Read]).await {
        return;
    }
    // The second size is above the 8 MiB in-memory spool of C-2.2.
    for (p, size) in [
        ("k054/small.bin", 1000usize),
        ("k054/big.bin", 9 * 1024 * 1024),
    ] {
        let content = pattern_bytes(size);
        w.write(p, content.clone(), &create()).await.expect("write");
        let mut s = store
            .read_seekable(p)
            .unwrap_or_else(|e| panic!("read_seekable({p:?}) failed: {e}"));
        let end = size as u64;
        let seek = |s: &mut crate::SeekableStream, to: SeekFrom| {
            s.seek(to)
                .unwrap_or_else(|e| panic!("{p:?}: seek({to:?}) failed: {e}"))
        };
        let read_n = |s: &mut crate::SeekableStream, n: usize| {
            let mut buf = vec![0u8; n];
            s.read_exact(&mut buf)
                .unwrap_or_else(|e| panic!("{p:?}: read_exact({n}) failed: {e}"));
            buf
        };
        assert_eq!(
            s.stream_position().expect("stream_position"),
            0,
            "{p:?}: opened at 0"
        );
        assert_eq!(read_n(&mut s, 4), &content[..4], "{p:?}: first bytes");
        assert_eq!(seek(&mut s, SeekFrom::Start(10)), 10, "{p:?}: Start(10)");
        assert_eq!(
            read_n(&mut s, 5),
            &content[10..15],
            "{p:?}: after Start(10)"
        );
        assert_eq!(seek(&mut s, SeekFrom::Current(5)), 20, "{p:?}: Current(5)");
        assert_eq!(
            read_n(&mut s, 2),
            &content[20..22],
            "{p:?}: after Current(5)"
        );
        assert_eq!(
            seek(&mut s, SeekFrom::Current(-12)),
            10,
            "{p:?}: Current(-12)"
        );
        assert_eq!(
            read_n(&mut s, 1),
            &content[10..11],
            "{p:?}: after Current(-12)"
        );
        assert_eq!(seek(&mut s, SeekFrom::End(-3)), end - 3, "{p:?}: End(-3)");
        let mut tail = Vec::new();
        s.read_to_end(&mut tail).expect("read_to_end after End(-3)");
        assert_eq!(tail, &content[size - 3..], "{p:?}: the last 3 bytes");
        assert_eq!(seek(&mut s, SeekFrom::Current(0)), end, "{p:?}: at the end");
        assert_eq!(seek(&mut s, SeekFrom::End(0)), end, "{p:?}: End(0)");
        let mut buf = [0u8; 16];
        assert_eq!(s.read(&mut buf).expect("read at EOF"), 0, "{p:?}: at EOF");
        assert_eq!(
            seek(&mut s, SeekFrom::Start(end + 100)),
            end + 100,
            "{p:?}: past EOF"
        );
        for _ in 0..2 {
            assert_eq!(
                s.read(&mut buf).expect("read past EOF"),
                0,
                "{p:?}: past EOF"
            );
        }
        assert_eq!(seek(&mut s, SeekFrom::End(5)), end + 5, "{p:?}: End(5)");
        assert_eq!(
            s.read(&mut buf).expect("read past EOF"),
            0,
            "{p:?}: past End(5)"
        );

        seek(&mut s, SeekFrom::Start(5));
        for (to, what) in [
            (SeekFrom::Current(-6), "Current(-6) at 5"),
            (SeekFrom::End(-(size as i64) - 1), "End(-size-1)"),
        ] {
            match s.seek(to) {
                Ok(pos) => panic!("{p:?}: seek {what} gave Ok({pos}), expected InvalidInput"),
                Err(e) => assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{p:?}: {what}"),
            }
        }
        assert_eq!(
            seek(&mut s, SeekFrom::End(-(size as i64))),
            0,
            "{p:?}: End(-size)"
        );
        let mut all = Vec::new();
        s.read_to_end(&mut all).expect("read_to_end from 0");
        assert!(
            all == content,
            "{p:?}: the whole content after seeking back"
        );
    }
}

/// K-57: 200 streams read partway and dropped exhaust nothing: a further read still works.
pub async fn k057_dropped_streams_release_resources(w: &dyn World) {
    if !gates_or_unsupported(w, &[Capability::Write, Capability::Read]).await {
        return;
    }
    let p = "k057/data.bin";
    let content = pattern_bytes(4 * crate::CHUNK_SIZE + 17);
    w.write(p, content.clone(), &create()).await.expect("write");
    for i in 0..200 {
        match w.kind() {
            WorldKind::Sync => {
                let store = w.sync_store().expect("sync world");
                let mut stream = store
                    .read(p)
                    .unwrap_or_else(|e| panic!("read #{i} failed: {e}"));
                if i % 2 == 0 {
                    let mut buf = [0u8; 100];
                    stream.read_exact(&mut buf).expect("read partway");
                    assert_eq!(buf, content[..100], "read #{i}: the first bytes");
                }
                drop(stream);
            }
            WorldKind::Async => {
                let store = w.async_store().expect("async world");
                let mut stream = store
                    .read(p)
                    .await
                    .unwrap_or_else(|e| panic!("read #{i} failed: {e}"));
                if i % 2 == 0 {
                    let chunk: Bytes = stream
                        .next()
                        .await
                        .expect("a first chunk")
                        .expect("first chunk Ok");
                    assert!(!chunk.is_empty(), "read #{i}: an empty first chunk");
                    assert_eq!(
                        chunk,
                        content.slice(..chunk.len()),
                        "read #{i}: first chunk"
                    );
                }
                drop(stream);
            }
        }
    }
    let got = read_both(w, p).await;
    assert!(got == content, "the content read after 200 dropped streams");
    seed(w, &[("k057/after.txt", "still works")]).await;
    assert_eq!(
        w.read_text("k057/after.txt").await.expect("read_text"),
        "still works"
    );
}

// The items of this file and the groups they run in.
kit_items! { $ __kit_streams;
    all [
        k048_read_range_table,
        k049_read_range_len_zero_errors,
        k053_read_errors_come_from_the_call,
        k057_dropped_streams_release_resources,
    ]
    sync_world [
        k051_sync_read_small_buffer,
        k054_read_seekable,
    ]
    async_world [
        k052_async_read_chunks,
    ]
}
