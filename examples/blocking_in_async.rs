//! A blocking `Store` called by mistake from async code answers `ErrorKind::BlockingInAsync`
//! instead of stalling or panicking, whatever its backend (an async one here; a local folder
//! or memory alike). `tests/panic_abort.rs` builds
//! and runs this program with `panic = "abort"`, where a panic used as a probe would kill it.

use store::{AsyncMemoryBackend, ErrorKind, Store, WriteOptions};

fn main() {
    let store = Store::new(AsyncMemoryBackend::new());
    store
        .write(
            "notes.txt",
            "written from a plain thread",
            &WriteOptions::new(),
        )
        .expect("a blocking write from a plain thread works");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .build()
        .expect("a tokio runtime");
    let refused = runtime.block_on({
        let store = store.clone();
        async move {
            tokio::spawn(async move { store.read_text("notes.txt") })
                .await
                .expect("the task ends without a panic")
        }
    });
    match refused {
        Err(err) if err.kind() == ErrorKind::BlockingInAsync => println!("refused: {err}"),
        other => {
            eprintln!("expected BlockingInAsync, got {other:?}");
            std::process::exit(1);
        }
    }
    // Directly inside `block_on` on a current-thread runtime: refused too.
    let current = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a tokio runtime");
    match current.block_on(async { store.exists("notes.txt") }) {
        Err(err) if err.kind() == ErrorKind::BlockingInAsync => println!("refused in block_on"),
        other => {
            eprintln!("expected BlockingInAsync in block_on, got {other:?}");
            std::process::exit(1);
        }
    }
    let fine = runtime
        .block_on(runtime.spawn_blocking(move || store.read_text("notes.txt")))
        .expect("the blocking task ends without a panic")
        .expect("spawn_blocking may block");
    println!("from spawn_blocking: {fine}");
}
