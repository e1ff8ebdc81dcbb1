# E-mails to invitees (in the booking's language) and to hosts and the ops inbox (in the
# host's language). $event is the event type's title, $when a date and time already written
# the locale's way, $name the invitee's name, $org the organisation.

## Shared by every message
email-footer = このメッセージは { $org } の予約サービスから自動送信されています。
email-greeting = { $name } 様
# "Ada Lovelace (Acme Consulting)": the hosts of a booking and their organisation.
email-party = { $hosts }（{ $org }）
# How a list of names is joined: "Ada、Grace、Alan".
email-names-separator = 、
email-names-last = { $rest }、{ $last }
# A duration made of two units: "1時間30分" ($larger and $smaller come from the
# duration-* messages).
email-duration-pair = { $larger }{ $smaller }
email-manage-link = 変更またはキャンセル
email-book-again-link = 別の日時を予約
email-open-booking-link = 予約を開く
email-booking-page = 予約ページ
email-previously = 変更前
email-message-label = メッセージ
email-reason-label = 理由

## The booking's details table
email-detail-what = 内容
email-detail-what-value = { $event }（{ $duration }）
email-detail-with = 担当
email-detail-when = 日時
email-detail-where = 場所
email-detail-host-time = 主催者の時間
email-detail-who = 予約者
email-detail-who-zone = { $who }、タイムゾーン { $zone }
email-detail-notes = メモ
email-detail-reference = 予約番号

## Invitee: confirmed (with the invite)
email-confirmed-subject = 予約確定: { $event }、{ $when }
email-confirmed-headline = 予約が確定しました
email-confirmed-body = { $party } とのご予約が確定しました。添付の招待状からカレンダーに追加できます。

## Invitee: request received (the host still has to accept it)
email-request-received-subject = リクエスト受付: { $event }、{ $when }
email-request-received-headline = リクエストを受け付けました
email-request-received-body = ありがとうございます。リクエストを受け付けました。{ $org } が承認すると、確認メールが届きます。

## Invitee: reminder ($duration: "24時間", "1日")
email-reminder-subject = リマインダー: { $event }、{ $when }
email-reminder-headline = リマインダー
email-reminder-body = { $party } とのご予約のお知らせです。開始まであと { $duration } です。
# How soon the booking starts, for templates that say it on their own ("in 1 day").
email-reminder-lead = { $duration }後

## Invitee: the booking changed ($headline is one of the headlines below)
email-update-subject = { $headline }: { $event }、{ $when }
email-cancelled-headline = キャンセルされました
email-cancelled-body = ご予約はキャンセルされました。この時間は再び予約可能になりました。
email-rescheduled-headline = 日時が変更されました
email-rescheduled-body = ご予約は以下の新しい日時に変更されました。
email-declined-headline = リクエストは承認されませんでした
email-declined-body = 申し訳ありませんが、{ $org } はこの時間に対応できません。ご都合のよい別の時間をお選びください。
email-expired-headline = リクエストの期限切れ
email-expired-body = リクエストが期限内に確定されなかったため、無効になりました。別の時間をお選びください。

## Invitation (calendar event) attached to the invitee's mail
email-invite-summary = { $event }（{ $party }）
email-invite-description =
    { $org } で予約されました。予約番号 { $reference }。
    変更またはキャンセル: { $url }

## Hosts and ops inbox: a new booking
email-ops-booking-subject = { $requested ->
    [yes] 新しい予約リクエスト
   *[no] 新しい予約
  }: { $event }（{ $name }）、{ $when }
email-ops-booking-headline = { $requested ->
    [yes] 新しい予約リクエスト
   *[no] 新しい予約
  }
email-ops-booking-body = { $requested ->
    [yes] 新しい予約リクエストが確認を待っています。
   *[no] 新しい予約が確定しました。
  }
email-ops-approve = 承認する
email-ops-decline = お断りする

## Hosts and ops inbox: the booking changed
email-ops-update-subject = { $headline }: { $event }（{ $name }）、{ $when }
email-ops-cancelled-body = { $name } さんが予約をキャンセルしました。
email-ops-rescheduled-body = { $name } さんが予約の日時を変更しました。
email-ops-expired-body = このリクエストは期限内に回答されなかったため、期限切れになりました。この時間は再び予約可能です。

## Ops inbox: a contact-form message
email-contact-subject = お問い合わせフォーム: { $name } さんからのメッセージ
email-contact-headline = お問い合わせフォームからのメッセージ
email-contact-intro = { $has_event ->
    [yes] { $sender } さんから、お問い合わせフォームでメッセージが届きました（{ $event } について）:
   *[no] { $sender } さんから、お問い合わせフォームでメッセージが届きました:
  }
email-contact-preferred-times = 先方の希望日時
email-contact-reply = 返信するには、このメールに返信してください。

## Hosts and ops inbox: a calendar connection ($host: the host's name; $url: the calendar's
## address; $since: when it started failing; $duration: for how long, "1時間30分")
email-calendar-label = カレンダー
email-calendar-connection-label = 接続
email-calendar-account-label = アカウント
email-calendar-last-error-label = 最後のエラー
email-calendar-failing-subject = { $host } のカレンダーでエラー: { $url }
email-calendar-failing-headline = カレンダーでエラーが発生しています
email-calendar-failing-body = { $host } のカレンダーが { $since } から正常に読み込めていません（{ $duration } 継続中）。
email-calendar-failing-stale = それまでの間は、最後に読み込んだ予定あり時間をもとに空き時間を提示するため、新しい予定が反映されない可能性があります（[calendars] on_stale = "close" の場合、その情報が stale_after_minutes より古くなると { $host } の空き時間は提示されません）。
email-calendar-failing-check = 管理画面のカレンダーページで接続を確認してください。再び正常に動作した時点で、もう一度メッセージをお送りします。
email-calendar-recovered-subject = { $host } のカレンダーが復旧しました: { $url }
email-calendar-recovered-headline = カレンダーが復旧しました
email-calendar-recovered-body = { $host } のカレンダーが再び正常に読み込めるようになりました。{ $since } からエラーが続いていました（{ $duration } 継続）。
email-calendar-recovered-last-error-label = 復旧前の最後のエラー
email-calendar-recovered-fresh = 予定あり時間は再び最新の状態です。
email-calendar-reconnect-subject = { $host } のカレンダーの再接続が必要です: { $url }
email-calendar-reconnect-headline = カレンダーの再接続が必要です
email-calendar-reconnect-body = { $host } の { $url } に openslot がアクセスできなくなりました。{ $since } にプロバイダーがサインインを拒否しました。
email-calendar-reconnect-answer-label = プロバイダーの応答
email-calendar-reconnect-stale = 再接続されるまで、このアカウントのカレンダーは読み込まれず、予約も書き込まれません。空き時間は最後に読み込んだ予定あり時間をもとに提示されます（[calendars] on_stale = "close" の場合、その情報が stale_after_minutes より古くなると { $host } の空き時間は提示されません）。
email-calendar-reconnect-fix = 解決するには、{ $host } または管理者が管理画面のカレンダーページを開き、アカウントの横にある「Reconnect」を選択してください。このメッセージは一度だけ送信されます。
