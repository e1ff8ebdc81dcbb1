# E-mails to invitees (in the booking's language) and to hosts and the ops inbox (in the
# host's language). $event is the event type's title, $when a date and time already written
# the locale's way, $name the invitee's name, $org the organisation.

## Shared by every message
email-footer = 此邮件由 { $org } 的预约服务自动发送。
email-greeting = { $name }，您好：
# "Ada Lovelace (Acme Consulting)": the hosts of a booking and their organisation.
email-party = { $hosts }（{ $org }）
# How a list of names is joined: "Ada、Grace 和 Alan".
email-names-separator = 、
email-names-last = { $rest } 和 { $last }
# A duration made of two units: "1 小时 30 分钟" ($larger and $smaller come from the
# duration-* messages).
email-duration-pair = { $larger } { $smaller }
email-manage-link = 更改或取消
email-book-again-link = 预约其他时间
email-open-booking-link = 打开预约
email-booking-page = 预约页面
email-previously = 原时间
email-message-label = 留言
email-reason-label = 给出的原因

## The booking's details table
email-detail-what = 内容
email-detail-what-value = { $event }（{ $duration }）
email-detail-with = 会面对象
email-detail-when = 时间
email-detail-where = 地点
email-detail-host-time = 主持人的时间
email-detail-who = 预约人
email-detail-who-zone = { $who }，时区 { $zone }
email-detail-notes = 备注
email-detail-reference = 预约编号

## Invitee: confirmed (with the invite)
email-confirmed-subject = 已确认：{ $event }，{ $when }
email-confirmed-headline = 已确认
email-confirmed-body = 您与 { $party } 的预约已确认。通过附件中的邀请可将其添加到您的日历。

## Invitee: request received (the host still has to accept it)
email-request-received-subject = 已收到请求：{ $event }，{ $when }
email-request-received-headline = 已收到请求
email-request-received-body = 谢谢！我们已收到您的请求。{ $org } 接受后，您将收到确认邮件。

## Invitee: reminder ($duration: "24 小时", "1 天")
email-reminder-subject = 提醒：{ $event }，{ $when }
email-reminder-headline = 提醒
email-reminder-body = 特此提醒：您与 { $party } 的预约将在 { $duration }后开始。
# How soon the booking starts, for templates that say it on their own ("in 1 day").
email-reminder-lead = { $duration }后

## Invitee: the booking changed ($headline is one of the headlines below)
email-update-subject = { $headline }：{ $event }，{ $when }
email-cancelled-headline = 已取消
email-cancelled-body = 您的预约已取消。该时间已重新开放。
email-rescheduled-headline = 已改期
email-rescheduled-body = 您的预约已改到以下新时间。
email-declined-headline = 请求未被接受
email-declined-body = 很遗憾，{ $org } 无法安排这个时间。非常抱歉，请另选一个适合您的时间。
email-expired-headline = 请求已过期
email-expired-body = 您的请求未能及时得到确认，现已失效。请选择其他时间。

## Invitation (calendar event) attached to the invitee's mail
email-invite-summary = { $event }（{ $party }）
email-invite-description =
    通过 { $org } 预约。预约编号 { $reference }。
    更改或取消：{ $url }

## Hosts and ops inbox: a new booking
email-ops-booking-subject = { $requested ->
    [yes] 新预约请求
   *[no] 新预约
  }：{ $event }，{ $name }，{ $when }
email-ops-booking-headline = { $requested ->
    [yes] 新预约请求
   *[no] 新预约
  }
email-ops-booking-body = { $requested ->
    [yes] 有一个新的预约请求等待确认。
   *[no] 有一个新的预约已确认。
  }
email-ops-approve = 接受
email-ops-decline = 拒绝

## Hosts and ops inbox: the booking changed
email-ops-update-subject = { $headline }：{ $event }，{ $name }，{ $when }
email-ops-cancelled-body = { $name } 取消了预约。
email-ops-rescheduled-body = { $name } 更改了预约时间。
email-ops-expired-body = 此请求未在规定时间内得到答复，已过期；该时间已重新开放。

## Ops inbox: a contact-form message
email-contact-subject = 联系表单：来自 { $name } 的留言
email-contact-headline = 联系表单留言
email-contact-intro = { $has_event ->
    [yes] { $sender } 通过联系表单发送了一条留言（关于 { $event }）：
   *[no] { $sender } 通过联系表单发送了一条留言：
  }
email-contact-preferred-times = 对方方便的时间
email-contact-reply = 直接回复此邮件即可答复对方。

## Hosts and ops inbox: a calendar connection ($host: the host's name; $url: the calendar's
## address; $since: when it started failing; $duration: for how long, "1 小时 30 分钟")
email-calendar-label = 日历
email-calendar-connection-label = 连接
email-calendar-account-label = 账户
email-calendar-last-error-label = 最近一次错误
email-calendar-failing-subject = { $host } 的日历出现故障：{ $url }
email-calendar-failing-headline = 日历出现故障
email-calendar-failing-body = 自 { $since } 起（已持续 { $duration }），{ $host } 的一个日历一直无法成功读取。
email-calendar-failing-stale = 在此期间，可预约时间依据最后一次读取到的忙碌时间提供，可能遗漏新的日程（若设置了 [calendars] on_stale = "close"：当该数据早于 stale_after_minutes 时，将不再提供 { $host } 的任何时间）。
email-calendar-failing-check = 请在管理后台的日历页面检查连接。连接恢复正常时，您会再收到一条消息。
email-calendar-recovered-subject = { $host } 的日历已恢复正常：{ $url }
email-calendar-recovered-headline = 日历已恢复正常
email-calendar-recovered-body = { $host } 的一个日历已能再次成功读取。此前自 { $since } 起一直出现故障（持续 { $duration }）。
email-calendar-recovered-last-error-label = 恢复前的最近一次错误
email-calendar-recovered-fresh = 其忙碌时间已再次更新为最新。
email-calendar-reconnect-subject = { $host } 的日历需要重新连接：{ $url }
email-calendar-reconnect-headline = 日历需要重新连接
email-calendar-reconnect-body = { $host } 的 { $url } 不再允许 openslot 访问：服务提供商于 { $since } 拒绝了其登录。
email-calendar-reconnect-answer-label = 服务提供商的答复
email-calendar-reconnect-stale = 在有人重新连接之前，不会读取其日历，也不会将预约写入其中；可预约时间依据最后一次读取到的忙碌时间提供（若设置了 [calendars] on_stale = "close"：当该数据早于 stale_after_minutes 时，将不再提供 { $host } 的任何时间）。
email-calendar-reconnect-fix = 如需修复，请由 { $host } 或管理员打开管理后台的日历页面，然后点击该账户旁边的“Reconnect”。此消息只发送一次。
