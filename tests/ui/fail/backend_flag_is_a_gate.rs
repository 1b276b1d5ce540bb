//! A gate named as a flag: gates follow from the operations implemented.
#![allow(dead_code)]

use store::{Bytes, Result, StorePath};

struct ReadOnly;

#[store::backend(name = "read-only", flags(read))]
impl ReadOnly {
    async fn read_bytes(&self, _: &StorePath) -> Result<Bytes> {
        Ok(Bytes::new())
    }

    async fn exists(&self, path: &StorePath) -> Result<bool> {
        Ok(path.is_root())
    }

    async fn is_file(&self, _: &StorePath) -> Result<bool> {
        Ok(false)
    }

    async fn is_folder(&self, path: &StorePath) -> Result<bool> {
        Ok(path.is_root())
    }
}

fn main() {}
