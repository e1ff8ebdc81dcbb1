# The booking flow: meeting list, host page, booking page (and its script), confirmation,
# error pages. Placeholders: $org organisation, $host / $names host names, $zone an IANA
# time-zone name (e.g. Europe/London), $day a written-out day, $count / $days / $seconds numbers.

## Names in a sentence: "Ada、Grace", "Ada、Grace、Alan".
names-separator = 、
names-and = { $first }、{ $last }

## Meeting list (/) and a host's page (/with/…)
home-title = 日時を予約
host-title = { $host } との日時を予約
host-intro = { $org } の { $host } との面談日時を予約できます。
home-choose = ミーティングを選択してください
event-with = 担当: { $names }
home-empty = 現在予約できるミーティングはありません。
host-empty = { $host } には現在予約できるミーティングがありません。
home-routing = どれを選べばよいかお迷いですか？
home-fallback = お探しのものが見つかりませんか？
home-fallback-link = メッセージを送る

## Booking page
book-with = 担当: { $names }
book-request-mode = 各リクエストは主催者が確認します
tz-label = 時刻の表示タイムゾーン
tz-change = 変更
tz-host-hint = 主催者のタイムゾーンは { $zone } です。
days-heading = 1. 日付を選択
day-no-times = (空きなし)
no-times-window = 今後 { $days } 日間に空いている時間はありません。
no-times-booking-window = この予約期間に空いている時間はありません。
contact-find-time = 日時の調整についてお問い合わせください
times-legend = 2. 時間を選択
times-legend-on = 2. { $day } の時間を選択
times-empty = この日に残っている時間はありません。別の日を選択してください。
time-host-title = 主催者の時間で { $time }（{ $zone }）
details-legend = 3. お客様の情報
field-name = お名前
field-email = メールアドレス
field-notes = 事前にお伝えいただきたいことはありますか？
field-optional = (任意)
field-choose = 選択してください…
field-honeypot = この欄には何も入力しないでください
submit-book = 予約を確定する
submit-request = この時間をリクエストする
book-fallback = ご都合の合う時間がありませんか？
book-fallback-link = ご都合のよい日時をメッセージでお知らせください
# Times in the day buttons' accessible names: "12月1日火曜日、空き時間 3 件".
# Read after a day button's visible text by screen readers (the button's name must contain
# what it shows), so it starts with its own separator.
day-times-count = 、空き時間 { $count } 件

## Status line of the booking page
status-loading = 空いている時間を読み込んでいます…
status-taken-refreshing = 申し訳ありません。その時間はたった今ほかの方に予約されました。時間を更新しています…
status-taken = 申し訳ありません。その時間はたった今ほかの方に予約されました。別の時間を選択してください。
status-taken-kept = 申し訳ありません。その時間はたった今ほかの方に予約されました。別の時間を選択してください。入力内容はそのまま残っています。
status-gone-refreshing = その時間は予約できなくなりました。時間を更新しています…
status-gone = その時間は予約できなくなりました。別の時間を選択してください。
status-load-failed = 空いている時間を読み込めませんでした。接続を確認して、もう一度お試しください。
status-try-again = 再試行
status-fix-fields = 強調表示された項目を修正してください。
status-pick-time-first = 先に時間を選択してください。
status-sending-request = リクエストを送信しています…
status-booking = 予約しています…
status-rate-limited = お使いの接続からの試行回数が多すぎます。{ $seconds } 秒待ってから、もう一度お試しください。
status-rate-limited-moment = お使いの接続からの試行回数が多すぎます。しばらく待ってから、もう一度お試しください。
status-failed = 問題が発生しました。入力内容はそのまま残っています。もう一度お試しください。
status-unreachable = 予約サービスに接続できませんでした。入力内容はそのまま残っています。もう一度お試しください。
status-expired-form = このフォームは有効期限が切れているか、このサイトから送信されたものではないため、予約は行われませんでした。入力内容を確認して、もう一度送信してください。
status-cannot-book = その時間は予約できません。別の時間を選択してください。

## Field errors (the form's own checks and the server's)
field-error-required = 入力必須です
field-error-email = name@example.com のようなメールアドレスを入力してください
field-error-timezone = Asia/Tokyo のような IANA タイムゾーンを入力してください
field-error-too-long = { $max } 文字以内で入力してください
field-error-control = 制御文字は使用できません
field-error-choice = 一覧の選択肢から選んでください
field-error-phone = +81 3 1234 5678 のような電話番号を入力してください
field-error-start = 表示されている時間から選択してください。
field-error-invalid = 値が正しくありません

## Outcome (confirmation page and the booking page after booking with the script)
outcome-confirmed-heading = 確定しました
outcome-confirmed = ご予約が確定しました。確認メールをお送りしています。
outcome-requested-heading = リクエストを受け付けました
outcome-requested = リクエストを受け付けました。主催者が承認すると、確認メールが届きます。
outcome-cancelled-heading = キャンセル済み
outcome-cancelled = この予約はキャンセルされました。
outcome-declined-heading = 承認されませんでした
outcome-declined = 主催者はこのリクエストをお受けできませんでした。別の時間を選択してください。
outcome-expired-heading = リクエストの期限切れ
outcome-expired = このリクエストは期限内に確定されませんでした。別の時間を選択してください。

## Confirmation page
summary-what = 内容
summary-what-value = { $title }（{ $duration }）
summary-with = 担当
summary-when-yours = 日時（お客様の時間、{ $zone }）
summary-when-host = 日時（主催者の時間、{ $zone }）
summary-where = 場所
summary-name = お名前
summary-email = メールアドレス
summary-notes = メモ
summary-reference = 予約番号
confirmation-manage-link = この予約を変更またはキャンセルする
confirmation-manage-hint = このリンクは保存しておいてください。メールにも記載されています。
confirmation-book-another = 別の日時を予約
confirmation-book = ミーティングを予約
contact-us = お問い合わせ
neutral-heading = ご予約
neutral-message = プライバシー保護のため、このページでは予約時にお知らせしたリンクからのみ予約の詳細を表示します。予約の確認、変更、キャンセルは、確認メールに記載のリンクを開いて行ってください。

## Error pages
error-back = 予約に戻る
error-not-found = 見つかりません
error-no-event = そのミーティングの種類は存在しません。ミーティングの一覧から選択してください。
error-no-host = このアドレスには予約できる相手がいません。ミーティングの一覧から選択してください。
error-booking-not-found-heading = 予約が見つかりません
error-booking-not-found = その予約は見つかりませんでした。リンクを確認するか、お問い合わせください。
error-try-again-heading = もう一度お試しください
error-unavailable = 現在このページを読み込めません。しばらくしてから、もう一度お試しください。
error-form-unreadable = フォームを読み取れませんでした
error-not-sent = 送信されませんでした
error-automated = 自動送信と判断されたため、受け付けられませんでした。自動送信ではない場合は、もう一度お試しいただくか、お問い合わせください。

## Embed script (embed.js, on the embedding site)
embed-title = 日時を予約
embed-close = 閉じる
