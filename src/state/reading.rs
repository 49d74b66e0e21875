//! A value read asynchronously, and read again whenever what it depends on changes: what the
//! shell reads (the configuration when not handed over, a returning sign-in's end, `/me`, what
//! waits) and a page's chunk. A `LocalResource` does the same, but brings its async machinery
//! into the first module (the five it held weighed about 10 KB brotli, measured); this is a
//! signal that a spawned read fills.

use leptos::prelude::*;
use leptos::task::spawn_local;
use std::future::Future;

/// `None` until the first read answers, then the latest answer; while a newer read is under way
/// the previous answer stays, and an older read that answers late is dropped.
pub struct Reading<T: 'static> {
    answer: RwSignal<Option<T>, LocalStorage>,
    again: Trigger,
}

impl<T> Clone for Reading<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Reading<T> {}

impl<T: Clone + 'static> Reading<T> {
    /// Reads with `read`: the signals its synchronous part reads are tracked (a change starts a
    /// new read), and the future it returns gives the answer.
    pub fn new<F: Future<Output = T> + 'static>(read: impl Fn() -> F + 'static) -> Self {
        let answer = RwSignal::new_local(None);
        let again = Trigger::new();
        let latest = StoredValue::new(0u64);
        Effect::new(move |_| {
            again.track();
            let future = read();
            let this = latest.get_value() + 1;
            latest.set_value(this);
            spawn_local(async move {
                let value = future.await;
                if latest.try_get_value() == Some(this) {
                    let _ = answer.try_set(Some(value));
                }
            });
        });
        Reading { answer, again }
    }

    /// Reads once, when nothing the read depends on can change: no effect to track it, so
    /// lighter in the first module; [`Reading::refetch`] does nothing on it.
    pub fn once(read: impl Future<Output = T> + 'static) -> Self {
        let answer = RwSignal::new_local(None);
        spawn_local(async move {
            let value = read.await;
            let _ = answer.try_set(Some(value));
        });
        Reading { answer, again: Trigger::new() }
    }

    /// The latest answer, tracked.
    pub fn get(&self) -> Option<T> {
        self.answer.get()
    }

    /// The latest answer, untracked.
    pub fn get_untracked(&self) -> Option<T> {
        self.answer.get_untracked()
    }

    /// Reads again (a "try again").
    pub fn refetch(&self) {
        self.again.notify();
    }
}

#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests {
    use super::*;
    use futures::channel::oneshot;
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    /// Lets effects and spawned reads run.
    async fn settle() {
        gloo_timers::future::TimeoutFuture::new(20).await;
    }

    #[wasm_bindgen_test]
    async fn the_newest_read_wins_the_previous_answer_stays_meanwhile_and_refetch_reads_again() {
        let _ = any_spawner::Executor::init_wasm_bindgen();
        let owner = Owner::new();
        owner.set();
        let source = RwSignal::new(1);
        // Each read waits for its answer here, in the order the reads started.
        let answers: Rc<RefCell<Vec<Option<oneshot::Sender<&'static str>>>>> = Rc::default();
        let reading = Reading::new({
            let answers = answers.clone();
            move || {
                source.track();
                let (tx, rx) = oneshot::channel();
                answers.borrow_mut().push(Some(tx));
                async move { rx.await.unwrap_or("cancelled") }
            }
        });
        let answer = |i: usize, text| answers.borrow_mut()[i].take().expect("a read").send(text);
        settle().await;
        assert_eq!((answers.borrow().len(), reading.get_untracked()), (1, None));
        answer(0, "first").unwrap();
        settle().await;
        assert_eq!(reading.get_untracked(), Some("first"));

        source.set(2);
        settle().await;
        source.set(3);
        settle().await;
        assert_eq!((answers.borrow().len(), reading.get_untracked()), (3, Some("first")));
        answer(2, "third").unwrap();
        settle().await;
        answer(1, "second, late").unwrap();
        settle().await;
        assert_eq!(reading.get_untracked(), Some("third"));

        reading.refetch();
        settle().await;
        assert_eq!(answers.borrow().len(), 4);
        answer(3, "again").unwrap();
        settle().await;
        assert_eq!(reading.get_untracked(), Some("again"));
    }

    #[wasm_bindgen_test]
    async fn a_reading_made_once_holds_nothing_until_its_read_answers() {
        let _ = any_spawner::Executor::init_wasm_bindgen();
        let owner = Owner::new();
        owner.set();
        let (tx, rx) = oneshot::channel();
        let reading = Reading::once(async move { rx.await.unwrap_or("cancelled") });
        settle().await;
        assert_eq!(reading.get_untracked(), None);
        tx.send("configured").unwrap();
        settle().await;
        assert_eq!(reading.get_untracked(), Some("configured"));
    }
}
