// The trait and crawl's signature, with a parser the suite defines.
use kata_sync::Arc;
use web_crawler::{HtmlParser, crawl};

struct NoLinks;

impl HtmlParser for NoLinks {
    fn get_urls(&self, _url: &str) -> Vec<String> {
        Vec::new()
    }
}

fn assert_send_sync<T: Send + Sync + ?Sized>() {}

pub fn run() {
    let _crawl: fn(&str, Arc<dyn HtmlParser>, usize) -> Vec<String> = crawl;
    assert_send_sync::<dyn HtmlParser>();
    let parser: Arc<dyn HtmlParser> = Arc::new(NoLinks);
    let _ = parser.get_urls("http://a/");
}
