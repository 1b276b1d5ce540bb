//! The expansion of the real definition (`store/src/api.rs`), pretty-printed and compared with
//! the checked-in snapshot, so every change to generated code shows in review.

use quote::ToTokens;

/// The `#[dual_api]` trait of `store/src/api.rs`, without the attribute, and its arguments.
fn real_definition() -> (proc_macro2::TokenStream, syn::ItemTrait) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../store/src/api.rs");
    let source = std::fs::read_to_string(path).expect("read store/src/api.rs");
    let file = syn::parse_file(&source).expect("api.rs parses");
    file.items
        .into_iter()
        .find_map(|item| match item {
            syn::Item::Trait(mut t) => {
                let pos = t.attrs.iter().position(|a| a.path().is_ident("dual_api"))?;
                let attr = t.attrs.remove(pos);
                let args = match attr.meta {
                    syn::Meta::List(list) => list.tokens,
                    _ => proc_macro2::TokenStream::new(),
                };
                Some((args, t))
            }
            _ => None,
        })
        .expect("api.rs holds a #[dual_api] trait")
}

fn expand_real_definition() -> String {
    let (attr, item) = real_definition();
    let expanded = crate::dual_api::dual_api(attr, item.into_token_stream());
    let file = syn::parse2::<syn::File>(expanded).expect("the expansion parses as items");
    prettyplease::unparse(&file)
}

/// What `#[store::backend]` writes for `examples/custom_backend.rs`, fed the real definition
/// as the generated callback macro would.
fn expand_custom_backend() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/custom_backend.rs");
    let source = std::fs::read_to_string(path).expect("read examples/custom_backend.rs");
    let file = syn::parse_file(&source).expect("the example parses");
    let (args, mut item) = file
        .items
        .into_iter()
        .find_map(|item| match item {
            syn::Item::Impl(mut i) => {
                let pos = i.attrs.iter().position(|a| {
                    a.path()
                        .segments
                        .last()
                        .is_some_and(|s| s.ident == "backend")
                })?;
                let attr = i.attrs.remove(pos);
                let args = match attr.meta {
                    syn::Meta::List(list) => list.tokens,
                    _ => proc_macro2::TokenStream::new(),
                };
                Some((args, i))
            }
            _ => None,
        })
        .expect("the example holds a #[store::backend] impl");
    item.attrs.clear();
    let (_, definition) = real_definition();
    let input = quote::quote!({ #definition } (#args) #item);
    let expanded = crate::backend::expand(input);
    let file = syn::parse2::<syn::File>(expanded).expect("the expansion parses as items");
    prettyplease::unparse(&file)
}

#[test]
fn expansion_of_custom_backend() {
    insta::assert_snapshot!("custom_backend", expand_custom_backend());
}

/// A layer that takes `delete` in the blocking world and `read_bytes` in the async one, beside
/// a hook of `Layer`, through `#[store::layer]`'s callback with the real definition.
fn expand_layer() -> String {
    let item = quote::quote! {
        impl Layer for Audit {
            fn capabilities(&self, inner: Capabilities) -> Capabilities {
                inner
            }

            fn delete(&self, inner: &impl Backend, path: &StorePath, missing_ok: bool) -> Result<()> {
                self.note(path);
                inner.delete(path, missing_ok)
            }

            async fn read_bytes(&self, inner: &impl AsyncBackend, path: &StorePath) -> Result<Bytes> {
                self.note(path);
                inner.read_bytes(path).await
            }
        }
    };
    let (_, definition) = real_definition();
    let input = quote::quote!({ #definition } () #item);
    let expanded = crate::layer::expand(input);
    let file = syn::parse2::<syn::File>(expanded).expect("the expansion parses as items");
    prettyplease::unparse(&file)
}

#[test]
fn expansion_of_a_layer() {
    insta::assert_snapshot!("layer", expand_layer());
}

#[test]
fn expansion_of_store_api() {
    insta::assert_snapshot!("store_api", expand_real_definition());
}

/// The expansion of a small definition: `name` plus the methods given, with the stores'
/// forwarding methods, so each `#[store(...)]` option has a snapshot of its own and a change
/// to one shows as a small diff.
fn expand_small(methods: proc_macro2::TokenStream) -> String {
    let item = quote::quote! {
        #[store(derivations = crate::__private)]
        pub trait Backend: Send + Sync + 'static {
            /// The backend's name.
            #[store(pure)]
            fn name(&self) -> &'static str;
            #methods
        }
    };
    let args = quote::quote!(stores(crate::Store, crate::AsyncStore), layers);
    let expanded = crate::dual_api::dual_api(args, item);
    let file = syn::parse2::<syn::File>(expanded).expect("the expansion parses as items");
    prettyplease::unparse(&file)
}

/// One snapshot per option, named after it.
macro_rules! option_snapshots {
    ($($name:ident: { $($methods:tt)* })*) => {$(
        #[test]
        fn $name() {
            let expansion = expand_small(quote::quote!($($methods)*));
            insta::with_settings!({ omit_expression => true }, {
                insta::assert_snapshot!(concat!("option_", stringify!($name)), expansion);
            });
        }
    )*};
}

option_snapshots! {
    pure: {
        /// Pure: no I/O, the same in both worlds, not forwarded by the stores.
        #[store(pure)]
        fn native_path(&self, key: &StorePath) -> String {
            key.as_str().to_owned()
        }
    }
    gate_and_roles: {
        /// A gated method with a file and a folder argument.
        ///
        /// # Examples
        ///
        /// An example is the blocking store's alone; the async store points to it.
        #[store(gate = Copy, file(src), folder(dst))]
        fn copy_into(&self, src: &StorePath, dst: &StorePath, overwrite: bool) -> Result<()>;
        /// A subfolder argument: never the root.
        #[store(gate = Delete, subfolder(path))]
        fn delete_folder(&self, path: &StorePath, options: &DeleteFolderOptions) -> Result<()>;
        /// A pattern argument.
        #[store(gate = Glob, pattern(pattern), materialize)]
        fn glob(&self, pattern: &Pattern) -> Result<ListIter<FileInfo>>;
    }
    materialize_and_filter: {
        /// A listing the async adapter collects in one blocking call, filtered by the stores.
        #[store(gate = List, folder(path), materialize, filter = FileFilter)]
        fn list_files(&self, path: &StorePath, options: &ListOptions) -> Result<ListIter<FileInfo>>;
    }
    read_stream: {
        /// A byte stream: chunked into the async world, never collected.
        #[store(gate = Read, file(path))]
        fn read(&self, path: &StorePath) -> Result<ReadStream>;
    }
    content: {
        /// Content: a reader or bytes blocking, a stream or bytes async.
        #[store(gate = Write, file(path))]
        fn write(&self, path: &StorePath, content: Content, options: &WriteOptions) -> Result<WriteResult>;
    }
    sync_only: {
        /// Absent from the async world; the blocking default applies in the async adapter.
        #[store(gate = Read, file(path), sync_only)]
        fn read_seekable(&self, path: &StorePath) -> Result<SeekableStream> {
            blocking::read_seekable(self, path)
        }
    }
    manual: {
        /// The stores write their own public method.
        #[store(manual, async_default = asynchronous::ready)]
        fn close(&self) -> Result<()> {
            Ok(())
        }
    }
    mutates_flags_and_derivation: {
        /// An operation that changes what is stored, needed by a flag, derived from another.
        #[store(gate = Move, file(src, dst), mutates, flags(AtomicMove), derive_from(copy))]
        fn rename(&self, src: &StorePath, dst: &StorePath, overwrite: bool) -> Result<()>;
        /// What `rename` derives from.
        #[store(gate = Copy, file(src, dst), mutates, repeatable_if(overwrite))]
        fn copy(&self, src: &StorePath, dst: &StorePath, overwrite: bool) -> Result<()>;
    }
    async_default: {
        /// The async method's default body is a derived operation.
        #[store(gate = Read, file(path), async_default = asynchronous::read_bytes)]
        fn read_bytes(&self, path: &StorePath) -> Result<Bytes> {
            blocking::read_bytes(self, path)
        }
    }
    async_to_sync: {
        /// The async-to-blocking adapter's body is a function of the runtime support.
        #[store(pure, async_to_sync = async_to_sync::capabilities)]
        fn capabilities(&self) -> Capabilities;
    }
}
