//! Conformance items (see docs/contract.md §8): the close posture (K-97).

use std::fmt::Debug;

use bytes::Bytes;

use super::support::{create, paths, replace, seed_if_possible};
use super::{CallArgs, World};
use crate::PathRole;
use crate::{Capability, ErrorKind, ListOptions, Result};

fn is_terminal(w: &dyn World) -> bool {
    match w.sync_store() {
        Some(store) => store.backend().close_is_terminal(),
        None => w
            .async_store()
            .expect("a world has a store")
            .backend()
            .close_is_terminal(),
    }
}

/// `result` must be the closed error of [C-2.10](crate::contract#C-2.10).
#[track_caller]
fn expect_closed<T: Debug>(w: &dyn World, what: &str, result: Result<T>) {
    let err = match result {
        Ok(value) => panic!("{what} after close() on a terminal backend: got Ok({value:?})"),
        Err(err) => err,
    };
    assert_eq!(
        err.kind(),
        ErrorKind::BackendUnavailable,
        "{what} after close(): {err}"
    );
    assert!(
        err.message().contains("is closed"),
        "{what} after close(): message must say \"is closed\": {err}"
    );
    assert!(
        !err.is_retryable(),
        "{what} after close(): a closed backend is not retryable"
    );
    assert_eq!(
        err.backend(),
        Some(w.name()),
        "{what} after close(): backend name"
    );
}

/// K-97: after `close()` a terminal backend answers every operation, probes included, with BackendUnavailable ("is closed", not retryable); a reusable backend works again.
pub async fn k097_close_posture(w: &dyn World) {
    let caps = w.capabilities();
    let write = seed_if_possible(w, &[("k97/f.txt", "before close"), ("k97/sub/g.txt", "g")]).await;
    let terminal = is_terminal(w);
    w.close().await.expect("close() is Ok");
    w.close().await.expect("a second close() is Ok");
    if terminal {
        // Every operation of the table but `close` itself, where its gate is declared: the
        // ungated ones (the probes, `ping`) on files, folders, the root and missing paths.
        let f = "k97/f.txt";
        let mut checked = 0;
        for op in crate::OPERATIONS.iter().filter(|op| op.name != "close") {
            if op.gate.is_some_and(|g| !caps.supports(g)) {
                continue;
            }
            let spots: &[&str] = match op.gate {
                None => &["k97/f.txt", "k97", "", ".", "missing"],
                Some(_) => &[f],
            };
            for spot in spots {
                let paths = op.paths().enumerate().map(|(i, (_, role))| match role {
                    PathRole::File if i > 0 => "k97/r.txt",
                    PathRole::Subfolder => "k97",
                    PathRole::Pattern => "**",
                    PathRole::Folder if op.gate.is_some() => "",
                    _ => *spot,
                });
                let args = CallArgs::new(paths).flag(true);
                let Some(call) = w.call(op, &args) else {
                    continue;
                };
                let result = call.await;
                expect_closed(w, &format!("{} {args:?}", op.name), result);
                checked += 1;
            }
        }
        assert!(
            checked > 0,
            "no operation of the table was called after close()"
        );
        // The stores' conveniences.
        if caps.supports(Capability::Read) {
            expect_closed(w, "read_text", w.read_text(f).await);
        }
        if write {
            expect_closed(w, "write_text", w.write_text(f, "x", &replace()).await);
        }
        if caps.supports(Capability::List) {
            let result = w.get_folder_info("k97", Some(3)).await;
            expect_closed(w, "get_folder_info(max_depth)", result);
        }
        if caps.supports(Capability::Metadata) {
            expect_closed(w, "head", w.head(f).await);
        }
        w.close().await.expect("close() stays Ok once closed");
        return;
    }
    // A reusable backend re-opens lazily: everything works again, data included.
    w.ping().await.expect("ping after close()");
    assert!(w.exists("").await.expect("exists(root)"), "root exists");
    assert!(
        w.is_folder("").await.expect("is_folder(root)"),
        "root is a folder"
    );
    if !write {
        return;
    }
    assert!(
        w.is_file("k97/f.txt").await.expect("is_file"),
        "seeded file"
    );
    assert!(
        w.is_folder("k97/sub").await.expect("is_folder"),
        "seeded folder"
    );
    if caps.supports(Capability::Read) {
        let data = w.read_bytes("k97/f.txt").await.expect("read after close()");
        assert_eq!(data, "before close".as_bytes(), "data survives close()");
    }
    let wr = w
        .write("k97/after.txt", Bytes::from("after"), &create())
        .await
        .expect("write after close()");
    assert_eq!((wr.path.as_str(), wr.size), ("k97/after.txt", 5), "write");
    if caps.supports(Capability::List) {
        let listed = w
            .list_files("k97", &ListOptions::new().recursive(true))
            .await;
        assert_eq!(
            paths(listed, |f| f.path.to_string()),
            ["k97/after.txt", "k97/f.txt", "k97/sub/g.txt"],
            "listing after close()"
        );
    }
}

// The items of this file and the groups they run in.
kit_items! { $ __kit_close;
    all [
        k097_close_posture,
    ]
}
