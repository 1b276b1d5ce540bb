//! Conformance items (see docs/contract.md §8): store errors through `std::io::Error` and back
//! (K-107).

use bytes::Bytes;

use super::support::{create, expect_kind, replace, seed};
use super::World;
use crate::{Capability, DeleteFolderOptions, Error, ErrorKind};

/// K-107: the errors the store produces survive `io::Error::from(e)` with the kind [C-4.1](crate::contract#C-4.1) gives
/// them, and `get_ref().downcast_ref::<store::Error>()` recovers each (the constructed kinds
/// and the table itself are unit tests of `error/io.rs`).
pub async fn k107_io_error_mapping(w: &dyn World) {
    let name = w.name();
    let caps = w.capabilities();
    let mut samples: Vec<(&str, Error)> = Vec::new();

    // Errors the store produces.
    samples.push((
        "InvalidPath from read_bytes(\"\")",
        expect_kind(w, w.read_bytes("").await, ErrorKind::InvalidPath),
    ));
    samples.push((
        "InvalidArgument from glob(\"a**\")",
        expect_kind(w, w.glob("a**").await, ErrorKind::InvalidArgument),
    ));
    let write = caps.supports(Capability::Write);
    let read = caps.supports(Capability::Read);
    if read {
        let err = expect_kind(w, w.read_bytes("k107/missing").await, ErrorKind::NotFound);
        samples.push(("NotFound from read_bytes", err));
    }
    if write {
        seed(w, &[("k107/dir/f.txt", "x")]).await;
        let err = expect_kind(
            w,
            w.write("k107/dir/f.txt", Bytes::from("y"), &create()).await,
            ErrorKind::AlreadyExists,
        );
        samples.push(("AlreadyExists from write", err));
        if read {
            w.write(
                "k107/bad.txt",
                Bytes::from_static(&[0xff, 0xfe, 0x00]),
                &replace(),
            )
            .await
            .expect("writing invalid UTF-8");
            let err = expect_kind(w, w.read_text("k107/bad.txt").await, ErrorKind::InvalidData);
            samples.push(("InvalidData from read_text", err));
        }
        if caps.supports(Capability::Delete) {
            let err = expect_kind(
                w,
                w.delete_folder("k107/dir", &DeleteFolderOptions::new())
                    .await,
                ErrorKind::DirectoryNotEmpty,
            );
            samples.push(("DirectoryNotEmpty from delete_folder", err));
        }
    }
    if let Some(missing) = Capability::ALL
        .into_iter()
        .find(|c| !c.is_flag() && !caps.supports(*c))
    {
        samples.push((
            "Unsupported from require",
            caps.require(missing).unwrap_err().with_backend(name),
        ));
    }

    for (what, err) in samples {
        crate::error::assert_io_round_trip(what, err);
    }
}

// The items of this file and the groups they run in.
kit_items! { $ __kit_io_errors;
    all [
        k107_io_error_mapping,
    ]
}
