//! An operation of the blocking world only, taken as an `async fn`.
#![allow(dead_code)]

use store::{AsyncBackend, Result, SeekableStream, StorePath};

struct Audit;

#[store::layer]
impl Audit {
    async fn read_seekable(&self, inner: &impl AsyncBackend, path: &StorePath) -> Result<SeekableStream> {
        let _ = (inner, path);
        unimplemented!()
    }
}

fn main() {}
