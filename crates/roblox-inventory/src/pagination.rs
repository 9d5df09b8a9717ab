//! Paging as streams: `.pages()` yields pages as they arrive and `.items()` their
//! items, so memory stays flat however large an inventory is.
//!
//! Paging stops only where Roblox says a listing ends: a missing or empty token
//! or cursor (facts §3, correction of 2026-11-25). An empty page with a token is
//! not the end: Open Cloud tokens walk a multi-field filter one field at a time,
//! so a field without matches can be an empty page in the middle. Roblox's
//! `{"inventoryItems": [], "nextPageToken": ""}` after a full last page ends by
//! the same rule. A token that comes back unchanged would page forever, so it
//! ends the stream with [`Error::Decode`].
//!
//! Long listings can be resumed exactly: every [`Page`] says which token
//! fetched it ([`Page::token`]) and which comes next, and a stream says where
//! it stands ([`Paged::resume_point`]): at the start, at an item of a page (its
//! token and how many of its items were delivered), or done. The builders take
//! the point back (`resume`) and continue after the last item delivered, so
//! every item arrives exactly once over the two runs, whether the first
//! stopped on an error, on `max_items`, or because its reader stopped reading.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_util::{stream, StreamExt, TryStreamExt};

use crate::error::Error;

/// A stream of results that owns everything it needs.
pub type BoxStream<T> = Pin<Box<dyn Stream<Item = Result<T, Error>> + Send + 'static>>;

/// One page of results.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// The token or cursor that fetched this page; `None` for the first.
    pub token: Option<String>,
    /// The token or cursor of the next page; `None` on the last page.
    pub next: Option<String>,
}

impl<T> Page<T> {
    pub(crate) fn new(items: Vec<T>, next: Option<String>) -> Self {
        Self {
            items,
            token: None,
            next,
        }
    }
}

/// Where a listing stands, to continue it later ([`Paged::resume_point`], and
/// the builders' `resume`). Serializable, so a job can keep it across runs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub enum ResumePoint {
    /// Nothing delivered yet: continue from the beginning.
    #[default]
    Start,
    /// Continue with the page `token` fetches (`None`: the first page),
    /// after its first `skip` items, which were delivered.
    At {
        /// The token or cursor of the page.
        token: Option<String>,
        /// How many of its items were delivered.
        skip: usize,
    },
    /// Every item was delivered: continuing fetches nothing.
    Done,
}

impl ResumePoint {
    /// `At` the first page with nothing skipped is the start.
    fn at(token: Option<String>, skip: usize) -> Self {
        match (token, skip) {
            (None, 0) => Self::Start,
            (token, skip) => Self::At { token, skip },
        }
    }

    /// Where the page after one whose next token is `next` starts.
    fn after(next: Option<String>) -> Self {
        match next {
            Some(token) => Self::At {
                token: Some(token),
                skip: 0,
            },
            None => Self::Done,
        }
    }
}

/// A listing as a stream (of pages or of items) that can say where to resume.
///
/// ```
/// use futures_util::TryStreamExt;
/// use roblox_inventory::Client;
/// # use roblox_inventory_sandbox::Sandbox;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let sandbox = Sandbox::builder().start().await?;
/// # let client = Client::builder().base_url(sandbox.base_url()).build()?;
/// let mut collectibles = client.collectibles(156).items();
/// let mut seen = Vec::new();
/// while let Some(next) = collectibles.try_next().await.transpose() {
///     match next {
///         Ok(collectible) => seen.push(collectible.user_asset_id),
///         Err(error) => {
///             // Later: continue right after the last item delivered.
///             let point = collectibles.resume_point();
///             let _rest = client.collectibles(156).resume(point);
///             return Err(error.into());
///         }
///     }
/// }
/// # sandbox.shutdown().await;
/// # Ok(())
/// # }
/// ```
#[must_use = "streams do nothing until polled"]
pub struct Paged<T> {
    inner: BoxStream<T>,
    position: Arc<Mutex<ResumePoint>>,
}

fn set(position: &Mutex<ResumePoint>, point: ResumePoint) {
    *position.lock().unwrap_or_else(|e| e.into_inner()) = point;
}

impl<T> Paged<T> {
    fn new(inner: BoxStream<T>, position: Arc<Mutex<ResumePoint>>) -> Self {
        Self { inner, position }
    }

    /// A stream that yields `error` and ends (an argument refused before any request).
    pub(crate) fn failed(error: Error) -> Self
    where
        T: Send + 'static,
    {
        Self::new(
            Box::pin(stream::once(async move { Err(error) })),
            Arc::default(),
        )
    }

    /// Where to continue this listing: right after the last item (or page)
    /// this stream delivered, whether it stopped on an error, on a cap, or
    /// because its reader stopped; [`ResumePoint::Done`] once it delivered
    /// the last one.
    pub fn resume_point(&self) -> ResumePoint {
        self.position
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

impl<T> std::fmt::Debug for Paged<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Paged")
            .field("resume_point", &self.resume_point())
            .finish_non_exhaustive()
    }
}

impl<T> Stream for Paged<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

/// Where a stream starts and how much it fetches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Limits {
    pub max_items: Option<usize>,
    pub max_pages: Option<usize>,
    /// Where to start (resuming a listing).
    pub from: ResumePoint,
}

impl Limits {
    /// The token of the first page to fetch and how many of its items to
    /// skip, or `None` for a listing already done.
    fn first(&self) -> Option<(Option<String>, usize)> {
        match &self.from {
            ResumePoint::Start => Some((None, 0)),
            ResumePoint::At { token, skip } => Some((token.clone(), *skip)),
            ResumePoint::Done => None,
        }
    }
}

/// Pages from `fetch(token)`, starting at `limits.from`. A page's position is
/// after it: the next page's token, or done.
pub(crate) fn pages<T, F, Fut>(mut fetch: F, limits: Limits) -> Paged<Page<T>>
where
    T: Send + 'static,
    F: FnMut(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Page<T>, Error>> + Send + 'static,
{
    let position = Arc::new(Mutex::new(limits.from.clone()));
    let Some((first, skip)) = limits.first() else {
        return Paged::new(Box::pin(stream::empty()), position);
    };
    let here = Arc::clone(&position);
    // (the token of the page to fetch, if any; items of it to skip; pages fetched)
    let state = (Some(first), skip, 0usize);
    let max_pages = limits.max_pages;
    let stream = stream::unfold(state, move |(cursor, skip, fetched)| {
        let next_page = match &cursor {
            Some(token) if max_pages.is_none_or(|max| fetched < max) => Some(fetch(token.clone())),
            _ => None,
        };
        let here = Arc::clone(&here);
        async move {
            let asked = cursor.flatten();
            match next_page?.await {
                Ok(mut page) => {
                    page.token = asked.clone();
                    page.items.drain(..skip.min(page.items.len()));
                    let next = page.next.clone().filter(|t| !t.is_empty());
                    if next.is_some() && next == asked {
                        let error = Error::Decode {
                            status: 200,
                            reason: "the server returned the same page token it was given; \
                                     paging stopped instead of looping"
                                .into(),
                            excerpt: String::new(),
                        };
                        return Some((Err(error), (None, 0, fetched + 1)));
                    }
                    set(&here, ResumePoint::after(next.clone()));
                    Some((Ok(page), (next.map(Some), 0, fetched + 1)))
                }
                // The position stays at the page that failed.
                Err(error) => Some((Err(error), (None, 0, fetched + 1))),
            }
        }
    });
    Paged::new(Box::pin(stream), position)
}

/// The items of `pages`, at most `max_items`. The position moves with each
/// item as it is handed to the reader: after the page's `k`-th item it is
/// that page at `k`; after its last, the next page (or done).
pub(crate) fn items<T: Send + 'static>(pages: Paged<Page<T>>, limits: &Limits) -> Paged<T> {
    let position = Arc::new(Mutex::new(limits.from.clone()));
    let here = Arc::clone(&position);
    // Items of the first page skipped by a resume count as delivered.
    let mut skipped = limits.first().map_or(0, |(_, skip)| skip);
    let items = pages
        .map_ok(move |page| {
            let base = std::mem::take(&mut skipped);
            let after = ResumePoint::after(page.next.clone().filter(|t| !t.is_empty()));
            let count = page.items.len();
            if count == 0 {
                set(&here, after.clone());
            }
            let (here, token) = (Arc::clone(&here), page.token);
            stream::iter(page.items.into_iter().enumerate().map(move |(i, item)| {
                let point = if i + 1 == count {
                    after.clone()
                } else {
                    ResumePoint::at(token.clone(), base + i + 1)
                };
                set(&here, point);
                Ok(item)
            }))
        })
        .try_flatten();
    let inner: BoxStream<T> = match limits.max_items {
        Some(max) => Box::pin(items.take(max)),
        None => Box::pin(items),
    };
    Paged::new(inner, position)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake(
        pages: Vec<(Vec<u32>, Option<&'static str>)>,
    ) -> impl FnMut(Option<String>) -> futures_util::future::Ready<Result<Page<u32>, Error>> {
        let mut pages = pages.into_iter();
        move |_| {
            let (items, next) = pages.next().expect("asked for a page past the end");
            futures_util::future::ready(Ok(Page::new(items, next.map(str::to_string))))
        }
    }

    #[tokio::test]
    async fn stops_only_on_missing_or_empty_tokens() {
        let all: Vec<u32> = items(
            pages(
                fake(vec![(vec![1, 2], Some("a")), (vec![3], None)]),
                Limits::default(),
            ),
            &Limits::default(),
        )
        .try_collect()
        .await
        .unwrap();
        assert_eq!(all, [1, 2, 3]);
        let empty_token: Vec<u32> = items(
            pages(fake(vec![(vec![1], Some(""))]), Limits::default()),
            &Limits::default(),
        )
        .try_collect()
        .await
        .unwrap();
        assert_eq!(empty_token, [1]);
        let past_empty_pages: Vec<u32> = items(
            pages(
                fake(vec![
                    (vec![1], Some("a")),
                    (vec![], Some("b")),
                    (vec![], Some("c")),
                    (vec![2], None),
                ]),
                Limits::default(),
            ),
            &Limits::default(),
        )
        .try_collect()
        .await
        .unwrap();
        assert_eq!(
            past_empty_pages,
            [1, 2],
            "empty pages with a token continue"
        );
        let looping: Vec<Result<Page<u32>, Error>> = pages(
            fake(vec![(vec![1], Some("a")), (vec![], Some("a"))]),
            Limits::default(),
        )
        .collect()
        .await;
        assert_eq!(looping.len(), 2);
        assert!(matches!(looping[1], Err(Error::Decode { .. })));
    }

    #[tokio::test]
    async fn caps_on_items_and_pages() {
        let many = || {
            fake(vec![
                (vec![1, 2], Some("a")),
                (vec![3, 4], Some("b")),
                (vec![5], None),
            ])
        };
        let limits = Limits {
            max_items: Some(3),
            ..Limits::default()
        };
        let first_three: Vec<u32> = items(pages(many(), limits.clone()), &limits)
            .try_collect()
            .await
            .unwrap();
        assert_eq!(first_three, [1, 2, 3]);
        let one_page = Limits {
            max_pages: Some(1),
            ..Limits::default()
        };
        let page: Vec<Page<u32>> = pages(many(), one_page).try_collect().await.unwrap();
        assert_eq!(page.len(), 1);
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Whatever tokens Roblox sends, the stream yields every item of every page
        /// up to and including the first page with no (or an empty) token; empty
        /// pages in between change nothing.
        #[test]
        fn paging_stops_exactly_where_roblox_says(pages in proptest::collection::vec(
            (proptest::collection::vec(any::<u16>(), 0..4), prop_oneof![Just(None), Just(Some(String::new())), "[a-z]{1,4}".prop_map(Some)]),
            1..8,
        )) {
            // Distinct tokens: a repeated one is the loop guard's business (tested above).
            let pages: Vec<(Vec<u16>, Option<String>)> = pages
                .into_iter()
                .enumerate()
                .map(|(i, (items, token))| (items, token.map(|t| if t.is_empty() { t } else { format!("{t}{i}") })))
                .collect();
            let mut expected = Vec::new();
            let mut fetched = 0usize;
            for (items, token) in &pages {
                fetched += 1;
                expected.extend(items.iter().copied());
                let last = token.as_deref().is_none_or(str::is_empty);
                if last {
                    break;
                }
            }
            // Past the generated pages, the fake answers an empty last page.
            let asked = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
            let counter = asked.clone();
            let mut queue = pages.clone().into_iter();
            let fetch = move |_| {
                counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let (items, next) = queue.next().unwrap_or((Vec::new(), None));
                futures_util::future::ready(Ok(Page::new(items, next)))
            };
            let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
            let got: Vec<u16> = runtime.block_on(items(pages_of(fetch), &Limits::default()).try_collect()).unwrap();
            prop_assert_eq!(got, expected);
            let ended_inside = pages.iter().any(|(_, token)| token.as_deref().is_none_or(str::is_empty));
            let expected_requests = if ended_inside { fetched } else { pages.len() + 1 };
            prop_assert_eq!(asked.load(std::sync::atomic::Ordering::SeqCst), expected_requests, "no page after the last is asked for");
        }
    }

    fn pages_of<F>(fetch: F) -> Paged<Page<u16>>
    where
        F: FnMut(Option<String>) -> futures_util::future::Ready<Result<Page<u16>, Error>>
            + Send
            + 'static,
    {
        pages(fetch, Limits::default())
    }
}
