# Everything after booking and the other public forms: the invitee's manage page
# (/manage/…: view, move, cancel), the host's approve/decline page (/host/…), the contact
# form (/contact) and routing forms (/route/…), with the form errors those pages show.
# Text inside <a …> … </a> is a link: keep the tag, translate the words between.

## Shared by the manage and host pages
manage-optional = (任意)
manage-event-with-duration = { $event }（{ $duration }）
manage-label-what = 内容
manage-label-status = ステータス
manage-status-requested = リクエスト済み — 主催者の確認待ちです
manage-status-confirmed = 確定
manage-status-cancelled = キャンセル済み
manage-status-declined = 主催者に承認されませんでした
manage-status-expired = 回答がないまま期限切れになりました

## The invitee's manage page
manage-title = ご予約
manage-label-with = 担当
manage-label-when-yours = 日時（お客様の時間、{ $zone }）
manage-label-when-host = 日時（主催者の時間、{ $zone }）
manage-label-where = 場所
manage-label-reference = 予約番号
manage-move-heading = 別の日時に変更
manage-day-no-times = (空きなし)
manage-pick-time = 新しい時間を選択
manage-pick-time-on = { $day } の新しい時間を選択
manage-no-times = この日にほかの時間はありません。別の日を選択してください。
manage-move-submit = 予約を変更する
manage-cancel-heading = キャンセル
manage-cancel-reason = 理由
manage-cancel-submit = 予約をキャンセルする
# $reason is manage-cutoff-hours or manage-cutoff-started.
manage-too-late = この予約はオンラインで変更できる期限を過ぎています（{ $reason }）。<a href="/contact">お問い合わせ</a>いただければ対応いたします。
manage-cutoff-hours = 変更は開始の { $count } 時間前までです
manage-cutoff-started = ミーティングはすでに始まっています
manage-book-again = 別の日時を予約
manage-questions = ご不明な点は<a href="/contact">お問い合わせ</a>ください。
manage-done-cancelled = ご予約はキャンセルされました。確認メールをお送りしています。
manage-done-rescheduled = ご予約の日時を変更しました。更新された招待状をメールでお送りしています。
manage-slot-taken = 申し訳ありません。その時間はたった今ほかの方に予約されました。ご予約は変更されていません。別の時間を選択してください。
# $problem is one of the manage-problem-* sentences below.
manage-not-changed = { $problem }ご予約は変更されていません。
manage-problem-change-window-closed = この予約はオンラインで変更できる期限を過ぎています。お問い合わせください。
manage-problem-not-active = この予約は変更できなくなりました。
manage-problem-slot-unavailable = その時間は現在提供されていません。表示されている時間から選択してください。
manage-problem-host-unavailable = 主催者はその時間に対応できません。別の時間を選択してください。
manage-problem-event-withdrawn = このミーティングの種類は現在提供されていません。お問い合わせください。
manage-problem-no-time = 新しい時間を選択してください。
manage-problem-generic = 処理できませんでした。

## Error pages of the signed links (manage and host)
link-error-not-found = 予約が見つかりません
link-error-not-found-text = そのような予約はありません。
link-error-expired = このリンクは有効期限が切れています
link-error-expired-text = このリンクは有効期限が切れています。予約の変更が必要な場合はお問い合わせください。
link-error-invalid = このリンクは使用できません
link-error-invalid-text = このリンクは無効です。入力を間違えたか、リンクが変更された可能性があります。
link-error-wrong-scope-text = このリンクはその操作には使用できません。
link-error-failed = 処理できませんでした
link-error-busy-text = 現在その操作を実行できません。何も変更されていません。しばらくしてから、もう一度お試しください。
link-error-form-text = フォームを読み取れませんでした。前の画面に戻って、もう一度お試しください。
link-error-generic-text = 問題が発生しました。しばらくしてから、もう一度お試しください。

## The host's approve / decline page
host-answer-approve-heading = このリクエストを承認しますか？
host-answer-decline-heading = このリクエストをお断りしますか？
host-answer-label-host = 主催者
host-answer-label-when = 日時（{ $zone }）
host-answer-label-who = 予約者
host-answer-who = { $name } <{ $email }>
host-answer-who-zone = { $name } <{ $email }>、タイムゾーン { $zone }
host-answer-label-notes = メモ
host-answer-message = { $name } さんへのメッセージ
host-answer-approve-submit = このリクエストを承認する
host-answer-decline-submit = このリクエストをお断りする
host-answer-approved = 承認しました。予約者にはカレンダー招待付きの確認メールが送信されます。
host-answer-already-approved = このリクエストはすでに承認されています。
host-answer-declined = お断りしました。予約者にはその旨を伝え、別の時間を選ぶよう案内しました。
host-answer-already-declined = このリクエストはすでにお断りされています。

## The contact page
contact-title = お問い合わせ
contact-heading = お問い合わせ
contact-intro = ご都合の合う時間が見つかりませんか？ご希望の日時をお知らせいただければ、メールでご連絡いたします。
contact-name = お名前
contact-email = メールアドレス
contact-message = メッセージ
contact-preferred-times = ご希望の日時
contact-honeypot = この欄には何も入力しないでください
contact-submit = メッセージを送信
contact-sent-heading = メッセージを送信しました
contact-sent-text = ありがとうございます。メッセージを受け付けました。メールでご返信いたします。
contact-back = 予約に戻る
contact-expired = このフォームは有効期限が切れているか、このサイトから送信されたものではないため、送信されませんでした。もう一度送信してください。

## Routing forms
routing-choose = 選択してください…
routing-submit = 次へ
routing-contact = メッセージでのお問い合わせをご希望ですか？<a href="/contact">メッセージを送る</a>
routing-expired = このフォームは有効期限が切れているか、このサイトから送信されたものではありません。回答を確認して、もう一度送信してください。

## Form posts of these pages
form-fix-fields = 強調表示された項目を修正してください。
form-invalid = 送信された内容の一部が不足しているか、正しくありません。前の画面に戻って確認してください。
form-not-found = 見つかりません
form-not-found-routing = そのようなフォームはありません。一覧からミーティングを選択してください。
form-unreadable = フォームを読み取れませんでした
form-not-sent = 送信されませんでした
form-automated = 自動送信と判断されたため、受け付けられませんでした。自動送信ではない場合は、もう一度お試しください。
form-try-again = もう一度お試しください
form-too-many = 試行回数が多すぎます
form-too-many-text = お使いの接続からの試行回数が多すぎます。{ $seconds } 秒待ってから、もう一度お試しください。

## What is wrong with one field (shown under it)
field-problem-required = 入力必須です
field-problem-too-long = { $max } 文字以内で入力してください
field-problem-control-characters = 制御文字は使用できません
field-problem-not-text = 文字列で入力してください
field-problem-email = name@example.com のようなメールアドレスを入力してください
field-problem-timezone = Asia/Tokyo のような IANA タイムゾーンを入力してください
field-problem-choice = 一覧の選択肢から選んでください
field-problem-phone = +81 3 1234 5678 のような電話番号を入力してください
