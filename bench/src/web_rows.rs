//! Google Cloud Storage (fake-gcs-server) and WebDAV (wsgidav, and Apache's mod_dav):
//! `store`'s backends through
//! `AsyncStore` against object_store's own clients called directly (its GCS client, and its
//! HTTP store, which speaks WebDAV), on the same test server, in one run (`bench web
//! [--quick]`). Each cell is the median over rounds of one whole job (100 puts, 100 gets, …);
//! the contenders take turns within each round.
//!
//! object_store's GCS client writes with the XML API, which the emulator does not serve
//! (`400 invalid uploadType`), so its put cell is `n/a`; the objects both sides read are
//! written by `store`.

use std::sync::Arc;

use futures::{StreamExt, TryStreamExt};
use object_store::gcp::GoogleCloudStorageBuilder;
use object_store::http::HttpBuilder;
use object_store::path::Path as OsPath;
use object_store::{ClientOptions, ObjectStore, ObjectStoreExt};
use store::{AsyncStore, Bytes, GcsBuilder, ListOptions, WebDavBackend, WriteOptions};
use tokio::runtime::Runtime;

use crate::config::server_var as var;
use crate::report::{count_label, Row, Section};
use crate::timing::{run_jobs, time, Job};
use crate::BenchResult;

#[derive(Clone, Copy)]
enum Service {
    Gcs,
    WebDav,
    Apache,
}

impl Service {
    fn name(self) -> &'static str {
        match self {
            Service::Gcs => "GCS (fake-gcs-server)",
            Service::WebDav => "WebDAV (wsgidav)",
            Service::Apache => "WebDAV (Apache mod_dav)",
        }
    }

    /// The variable `scripts/servers.sh` exports a WebDAV server's URL in.
    fn dav_url(self) -> BenchResult<String> {
        var(match self {
            Service::Apache => "STORE_TEST_APACHE_DAV_URL",
            _ => "STORE_TEST_WEBDAV_URL",
        })
    }

    /// `store`'s backend at the server's root (keys carry the run's prefix, as on the other
    /// side).
    fn ours(self) -> BenchResult<AsyncStore> {
        Ok(match self {
            Service::Gcs => AsyncStore::new(
                GcsBuilder::new()
                    .endpoint(var("STORE_TEST_GCS_ENDPOINT")?)
                    .allow_http(true)
                    .bucket(var("STORE_TEST_GCS_BUCKET")?)
                    .anonymous(true)
                    .build()?,
            ),
            Service::WebDav | Service::Apache => AsyncStore::new(
                WebDavBackend::builder()
                    .url(self.dav_url()?)
                    .allow_http(true)
                    .build()?,
            ),
        })
    }

    /// object_store's own client for the same server, as its docs build it.
    fn direct(self) -> BenchResult<Arc<dyn ObjectStore>> {
        let http = ClientOptions::new().with_allow_http(true);
        Ok(match self {
            Service::Gcs => Arc::new(
                GoogleCloudStorageBuilder::new()
                    .with_base_url(&var("STORE_TEST_GCS_ENDPOINT")?)
                    .with_bucket_name(var("STORE_TEST_GCS_BUCKET")?)
                    .with_skip_signature(true)
                    .with_client_options(http)
                    .build()?,
            ),
            Service::WebDav | Service::Apache => Arc::new(
                HttpBuilder::new()
                    .with_url(self.dav_url()?)
                    .with_client_options(http)
                    .build()?,
            ),
        })
    }
}

/// The GCS and WebDAV (wsgidav, Apache) sections: `bench web [--quick]`.
pub fn section(quick: bool) -> BenchResult<String> {
    let (rounds, n, files) = if quick { (3, 20, 1_000) } else { (9, 100, 1_000) };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let mut out = String::new();
    for service in [Service::Gcs, Service::WebDav, Service::Apache] {
        eprintln!("web: {}", service.name());
        out.push_str(&timed(&rt, service, rounds, n, files)?.render());
        out.push('\n');
    }
    Ok(out)
}

fn timed(
    rt: &Runtime,
    service: Service,
    rounds: usize,
    n: usize,
    files: usize,
) -> BenchResult<Section> {
    let ours = service.ours()?;
    let direct = service.direct()?;
    let root = format!("bench-{}-web", std::process::id());
    let small = Bytes::from(crate::data::content(4 << 10, 7));
    let overwrite = WriteOptions::new().overwrite(true);
    // What the reads and the listing find.
    rt.block_on(async {
        let puts = (0..files.max(n)).map(|i| {
            let (ours, small, root, overwrite) = (&ours, small.clone(), &root, &overwrite);
            async move { ours.write(format!("{root}/list/f{i:05}"), small, overwrite).await }
        });
        futures::stream::iter(puts)
            .buffer_unordered(8)
            .try_collect::<Vec<_>>()
            .await?;
        BenchResult::Ok(())
    })?;

    let mut section = Section::new(
        &format!("Web: {}", service.name()),
        "store's backend through AsyncStore · object_store's own client called directly; \
         one server on loopback; ratios to object_store",
        &["store (AsyncStore)", "object_store direct"],
        1,
    );
    let (o, d, root, small) = (&ours, &direct, &root, &small);
    let key = |name: String| OsPath::from(format!("{root}/{name}"));
    let mut row = |label: String, jobs: &mut [Job<'_>]| {
        section.push(Row::new(label, run_jobs(rounds, jobs)));
    };
    let direct_puts = matches!(service, Service::WebDav | Service::Apache);
    row(
        format!("{} × 4 KiB put, overwrite", count_label(n)),
        &mut [
            Box::new(|| {
                time(|| {
                    rt.block_on(async {
                        for i in 0..n {
                            o.write(format!("{root}/over/{i}"), small.clone(), &overwrite)
                                .await
                                .expect("put");
                        }
                    })
                })
            }),
            Box::new(move || {
                if !direct_puts {
                    return f64::NAN;
                }
                time(|| {
                    rt.block_on(async {
                        for i in 0..n {
                            d.put(&key(format!("over/{i}")), small.clone().into())
                                .await
                                .expect("put");
                        }
                    })
                })
            }),
        ],
    );
    row(
        format!("{} × 4 KiB get", count_label(n)),
        &mut [
            Box::new(|| {
                time(|| {
                    rt.block_on(async {
                        for i in 0..n {
                            let got = o
                                .read_bytes(format!("{root}/list/f{i:05}"))
                                .await
                                .expect("get");
                            assert_eq!(got.len(), 4 << 10);
                        }
                    })
                })
            }),
            Box::new(|| {
                time(|| {
                    rt.block_on(async {
                        for i in 0..n {
                            let got = d.get(&key(format!("list/f{i:05}"))).await.expect("get");
                            assert_eq!(got.bytes().await.expect("body").len(), 4 << 10);
                        }
                    })
                })
            }),
        ],
    );
    row(
        format!("{} × head", count_label(n)),
        &mut [
            Box::new(|| {
                time(|| {
                    rt.block_on(async {
                        for i in 0..n {
                            o.get_file_info(format!("{root}/list/f{i:05}"))
                                .await
                                .expect("head");
                        }
                    })
                })
            }),
            Box::new(|| {
                time(|| {
                    rt.block_on(async {
                        for i in 0..n {
                            d.head(&key(format!("list/f{i:05}"))).await.expect("head");
                        }
                    })
                })
            }),
        ],
    );
    row(
        format!("list {} files", count_label(files)),
        &mut [
            Box::new(|| {
                time(|| {
                    rt.block_on(async {
                        let listed: Vec<_> = o
                            .list_files(format!("{root}/list"), &ListOptions::new())
                            .await
                            .expect("list")
                            .try_collect()
                            .await
                            .expect("list");
                        assert_eq!(listed.len(), files);
                    })
                })
            }),
            Box::new(|| {
                time(|| {
                    rt.block_on(async {
                        let prefix = key("list".into());
                        let listed = d.list_with_delimiter(Some(&prefix)).await.expect("list");
                        assert_eq!(listed.objects.len(), files);
                    })
                })
            }),
        ],
    );
    Ok(section)
}
