//! The WebDriver client itself against real headless Chromium: two tiny hand-written HTTP
//! servers (a page with a form, an external script and an iframe to the other origin), with
//! JavaScript on and off, typing, keyboard activation, frames and screenshots.

mod common;

use std::{sync::Arc, time::Duration};

use common::webdriver::{base64_decode, keys, Browser, BrowserOptions};
use serde_json::json;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

const WAIT: Duration = Duration::from_secs(5);

type Handler = dyn Fn(&str) -> Option<(&'static str, String)> + Send + Sync;

/// Serves `handler(path_and_query)` over HTTP/1.1 on 127.0.0.1:0, one response per connection;
/// returns the base URL. The server lives as long as the test's runtime.
async fn serve(handler: Arc<Handler>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let handler = handler.clone();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 65536 {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&request);
                let target = head.split(' ').nth(1).unwrap_or("/").to_string();
                let (status, content_type, body) = match handler(&target) {
                    Some((content_type, body)) => ("200 OK", content_type, body),
                    None => ("404 Not Found", "text/plain", "not found".to_string()),
                };
                let response = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
                     Cache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    base
}

const APP_JS: &str = "document.body.dataset.ready = 'yes';\n\
    document.getElementById('change').addEventListener('click', function () {\n\
      document.getElementById('status').textContent = 'changed by script';\n\
    });\n";

/// Starts the frame server and the main server; returns the main server's base URL.
async fn start_site() -> String {
    let frame_base = serve(Arc::new(|target: &str| match target {
        "/frame" => Some((
            "text/html; charset=utf-8",
            "<!doctype html><title>frame</title><p id=inner>inside the other server</p>"
                .to_string(),
        )),
        _ => None,
    }))
    .await;
    let page = format!(
        r#"<!doctype html>
<html lang=en><head><meta charset=utf-8><title>Smoke page</title>
<style>body {{ font: 16px sans-serif; background: #fff; }} iframe {{ width: 300px; height: 60px; }}</style>
</head><body>
<h1>Smoke</h1>
<form action="/submitted" method="get">
  <label>Name <input id=name name=name></label>
  <button id=submit type=submit>Send</button>
</form>
<button id=change type=button>Change</button>
<p id=status>initial</p>
<label><input id=agree type=checkbox> Agree</label>
<select id=size><option value=s>Small</option><option value=m>Medium</option><option value=l>Large</option></select>
<noscript><p id=nojs>scripts are off</p></noscript>
<iframe id=frame src="{frame_base}/frame"></iframe>
<script src="/app.js"></script>
</body></html>"#
    );
    serve(Arc::new(move |target: &str| {
        let path = target.split('?').next().unwrap_or("");
        let query = target.split_once('?').map(|(_, q)| q).unwrap_or("");
        match path {
            "/" => Some(("text/html; charset=utf-8", page.clone())),
            "/app.js" => Some(("text/javascript", APP_JS.to_string())),
            "/submitted" => Some((
                "text/html; charset=utf-8",
                format!("<!doctype html><title>Done</title><p id=done>got {query}</p>"),
            )),
            _ => None,
        }
    }))
    .await
}

#[tokio::test]
async fn javascript_on_keyboard_frames_and_screenshots() {
    let Some(browser) = Browser::start(BrowserOptions {
        width: 800,
        height: 600,
        ..BrowserOptions::default()
    }) else {
        return;
    };
    let base = start_site().await;
    browser.goto(&format!("{base}/")).await;
    assert_eq!(browser.title().await, "Smoke page");
    assert_eq!(browser.url().await, format!("{base}/"));
    assert_eq!(
        browser
            .find("body")
            .await
            .attr("data-ready")
            .await
            .as_deref(),
        Some("yes")
    );
    assert!(
        browser.try_find("#nojs").await.is_none(),
        "noscript content is not in the DOM with JS on"
    );
    assert!(browser.try_find("#missing").await.is_none());
    assert_eq!(browser.find_all("option").await.len(), 3);
    assert_eq!(
        browser
            .find("form")
            .await
            .find("button")
            .await
            .tag_name()
            .await,
        "button"
    );

    // The external script's click handler runs.
    let status = browser.find("#status").await;
    assert_eq!(status.text().await, "initial");
    browser.find("#change").await.click().await;
    assert_eq!(status.text().await, "changed by script");

    // Typing, clearing, properties.
    let name = browser.find("#name").await;
    name.send_keys("Grace").await;
    assert_eq!(name.property("value").await, json!("Grace"));
    name.clear().await;
    name.send_keys("Ada").await;
    assert_eq!(name.property("value").await, json!("Ada"));
    assert_eq!(
        browser.active_element().await.attr("id").await.as_deref(),
        Some("name")
    );

    // Keyboard: Tab order, Shift+Tab, Space on a checkbox, ArrowDown on a select, Enter on a button.
    browser
        .execute(
            "document.getElementById('status').textContent = 'reset'",
            vec![],
        )
        .await;
    browser.press_keys(keys::TAB).await;
    assert_eq!(
        browser.active_element().await.attr("id").await.as_deref(),
        Some("submit")
    );
    browser.press_keys(keys::TAB).await;
    assert_eq!(
        browser.active_element().await.attr("id").await.as_deref(),
        Some("change")
    );
    browser.press_keys(keys::SHIFT_TAB).await;
    assert_eq!(
        browser.active_element().await.attr("id").await.as_deref(),
        Some("submit")
    );
    browser.press_keys(keys::TAB).await;
    browser.press_keys(keys::ENTER).await;
    assert_eq!(status.text().await, "changed by script");
    browser.press_keys(keys::TAB).await;
    let agree = browser.find("#agree").await;
    assert!(!agree.is_selected().await);
    browser.press_keys(" ").await;
    assert!(agree.is_selected().await);
    browser.press_keys(keys::SPACE).await;
    assert!(!agree.is_selected().await);
    browser.press_keys(keys::TAB).await;
    let size = browser.find("#size").await;
    assert_eq!(browser.active_element().await.id(), size.id());
    browser.press_keys(keys::ARROW_DOWN).await;
    assert_eq!(size.property("value").await, json!("m"));

    // execute with element arguments and element results.
    let echoed = browser
        .execute(
            "return arguments[0].id + '/' + arguments[1]",
            vec![size.to_json(), json!(7)],
        )
        .await;
    assert_eq!(echoed, json!("size/7"));
    let found = browser
        .execute("return document.getElementById('name')", vec![])
        .await;
    assert_eq!(
        browser
            .element(&found)
            .expect("an element")
            .property("value")
            .await,
        json!("Ada")
    );

    // The iframe is served from the other server.
    let frame = browser.find("#frame").await;
    browser.switch_to_frame(&frame).await;
    assert_eq!(
        browser.find("#inner").await.text().await,
        "inside the other server"
    );
    assert!(browser.try_find("#status").await.is_none());
    browser.switch_to_parent().await;
    assert!(browser.find("#status").await.is_displayed().await);

    // Screenshot of the 800x600 viewport.
    let shot = browser.dir().join("smoke.png");
    let png = browser.screenshot(&shot).await;
    assert_eq!(
        &std::fs::read(&shot).expect("screenshot file")[..8],
        b"\x89PNG\r\n\x1a\n"
    );
    let (width, height) = png_size(&png);
    assert_eq!((width, height), (800, 600));
    browser.set_viewport_size(640, 480).await;
    assert_eq!(png_size(&browser.screenshot(&shot).await), (640, 480));
    browser.set_window_size(700, 500).await;
    let inner = browser
        .execute("return [outerWidth, innerWidth]", vec![])
        .await;
    assert_eq!(inner, json!([700, 700]));

    // Enter in the text field submits the form (no script involved).
    browser.find("#name").await.click().await;
    browser.press_keys(keys::ENTER).await;
    let done = browser.wait_for("#done", WAIT).await;
    assert_eq!(done.text().await, "got name=Ada");
    let b = &browser;
    browser
        .wait_until(WAIT, "title is Done", move || async move {
            b.title().await == "Done"
        })
        .await;
    browser.back().await;
    browser
        .wait_js("return document.getElementById('status') !== null", WAIT)
        .await;
    assert!(browser.page_source().await.contains("<h1>Smoke</h1>"));
}

#[tokio::test]
async fn javascript_off_runs_no_page_scripts() {
    let Some(browser) = Browser::start(BrowserOptions {
        javascript: false,
        width: 800,
        height: 600,
        ..BrowserOptions::default()
    }) else {
        return;
    };
    let base = start_site().await;
    browser.goto(&format!("{base}/")).await;
    assert_eq!(browser.title().await, "Smoke page");
    assert_eq!(
        browser.find("body").await.attr("data-ready").await,
        None,
        "app.js must not run"
    );
    assert_eq!(
        browser.wait_for("#nojs", WAIT).await.text().await,
        "scripts are off"
    );

    let status = browser.find("#status").await;
    browser.find("#change").await.click().await;
    assert_eq!(status.text().await, "initial");
    browser.find("#change").await.send_keys(keys::ENTER).await;
    assert_eq!(status.text().await, "initial");

    // The form still works by keyboard, and frames still load.
    let frame = browser.find("#frame").await;
    browser.switch_to_frame(&frame).await;
    assert_eq!(
        browser.find("#inner").await.text().await,
        "inside the other server"
    );
    browser.switch_to_parent().await;
    browser.find("#name").await.send_keys("Lin").await;
    browser.press_keys(keys::ENTER).await;
    assert_eq!(
        browser.wait_for("#done", WAIT).await.text().await,
        "got name=Lin"
    );
}

#[test]
fn base64_decoder() {
    assert_eq!(base64_decode("").unwrap(), b"");
    assert_eq!(base64_decode("Zg==").unwrap(), b"f");
    assert_eq!(base64_decode("Zm8=").unwrap(), b"fo");
    assert_eq!(base64_decode("Zm9v").unwrap(), b"foo");
    assert_eq!(base64_decode("Zm9vYg").unwrap(), b"foob");
    assert_eq!(
        base64_decode("iVBORw0K\nGgo=").unwrap(),
        b"\x89PNG\r\n\x1a\n"
    );
    assert_eq!(base64_decode("+/+/").unwrap(), [0xfb, 0xff, 0xbf]);
    assert!(base64_decode("Zm9v!").is_err());
    assert!(base64_decode("Zg==Zg").is_err());
    assert!(base64_decode("Z").is_err());
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(png: &[u8]) -> (u32, u32) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(&png[12..16], b"IHDR");
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    (width, height)
}
