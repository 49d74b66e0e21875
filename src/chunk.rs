//! Code loaded when it is first needed: under the split build (`--cfg portier_split`) a function
//! declared with [`split!`] lives in a chunk of its own and loads fallibly (a chunk that cannot
//! load is an error the person sees, never a panic, which would abort the app); in every other
//! build (`trunk serve`, the in-browser tests) it is ordinary code behind the same async call.

/// A chunk did not load (offline, cut, or gone after a deployment).
#[derive(Debug, Clone, Copy)]
pub struct ChunkFailure;

#[cfg(portier_split)]
impl From<leptos::wasm_split::SplitLoaderError> for ChunkFailure {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        ChunkFailure
    }
}

/// `split!(chunk_name, fn_name -> Type => value)` declares `async fn fn_name() -> Result<Type,
/// ChunkFailure>`; what only `value` reaches goes into the chunk. The value is kept once loaded
/// (later calls answer at once, with no trip through the loader), and `fn_name::loaded()` reads
/// it without waiting (`None` until then); a failure is not kept, so the next call tries again.
/// Several functions may name the same chunk: they load together.
macro_rules! split {
    ($module:ident, $name:ident -> $ty:ty => $value:expr) => {
        #[doc = concat!("What `", stringify!($name), "` has loaded, read without waiting.")]
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            thread_local! {
                pub(super) static LOADED: ::std::cell::Cell<Option<$ty>> = const { ::std::cell::Cell::new(None) };
            }
            /// The value, once its chunk has loaded.
            #[allow(dead_code)]
            pub(super) fn loaded() -> Option<$ty> {
                LOADED.with(::std::cell::Cell::get)
            }
        }
        async fn $name() -> Result<$ty, $crate::chunk::ChunkFailure> {
            #[cfg(portier_split)]
            #[leptos::wasm_split::wasm_split($module, wasm_split_path = ::leptos::wasm_split, fallible)]
            fn $name() -> Result<$ty, $crate::chunk::ChunkFailure> {
                Ok($value)
            }
            #[cfg(not(portier_split))]
            async fn $name() -> Result<$ty, $crate::chunk::ChunkFailure> {
                Ok($value)
            }
            if let Some(loaded) = $name::loaded() {
                return Ok(loaded);
            }
            let loaded = $name().await?;
            $name::LOADED.with(|l| l.set(Some(loaded)));
            Ok(loaded)
        }
    };
}

pub(crate) use split;
