# The booking flow: meeting list, host page, booking page (and its script), confirmation,
# error pages. Placeholders: $org organisation, $host / $names host names, $zone an IANA
# time-zone name (e.g. Europe/London), $day a written-out day, $count / $days / $seconds numbers.

## Names in a sentence: "Ada 和 Grace", "Ada、Grace 和 Alan".
names-separator = 、
names-and = { $first } 和 { $last }

## Meeting list (/) and a host's page (/with/…)
home-title = 预约时间
host-title = 预约与 { $host } 的时间
host-intro = 预约与 { $org } 的 { $host } 会面的时间。
home-choose = 请选择会议
event-with = 主持人：{ $names }
home-empty = 目前没有可预约的会议。
host-empty = { $host } 目前没有可预约的会议。
home-routing = 不确定选哪个？
home-fallback = 没有找到您需要的？
home-fallback-link = 给我们留言

## Booking page
book-with = 主持人：{ $names }
book-request-mode = 每个预约请求都需由主持人确认
tz-label = 时间显示所用时区
tz-change = 更改
tz-host-hint = 主持人的时区为 { $zone }。
days-heading = 1. 选择日期
day-no-times = （无可用时间）
no-times-window = 未来 { $days } 天内没有空闲时间。
no-times-booking-window = 此预约时段内没有空闲时间。
contact-find-time = 联系我们商定时间
times-legend = 2. 选择时间
times-legend-on = 2. 选择 { $day } 的时间
times-empty = 这一天已没有剩余时间。请选择其他日期。
time-host-title = 主持人时间 { $time }（{ $zone }）
details-legend = 3. 您的信息
field-name = 姓名
field-email = 电子邮件
field-notes = 有什么需要我们提前了解的吗？
field-optional = （选填）
field-choose = 请选择…
field-honeypot = 请将此字段留空
submit-book = 确认预约
submit-request = 申请此时间
book-fallback = 这些时间都不合适？
book-fallback-link = 给我们留言，告诉我们适合您的时间
# Times in the day buttons' accessible names: "12月1日星期二，3 个可选时间".
# Read after a day button's visible text by screen readers (the button's name must contain
# what it shows), so it starts with its own separator.
day-times-count = ，{ $count } 个可选时间

## Status line of the booking page
status-loading = 正在加载可用时间…
status-taken-refreshing = 抱歉，该时间刚刚被其他人预约了。正在刷新时间…
status-taken = 抱歉，该时间刚刚被其他人预约了。请选择其他时间。
status-taken-kept = 抱歉，该时间刚刚被其他人预约了。请选择其他时间；您填写的信息已保留。
status-gone-refreshing = 该时间已不可用。正在刷新时间…
status-gone = 该时间已不可用。请选择其他时间。
status-load-failed = 无法加载可用时间。请检查网络连接后重试。
status-try-again = 重试
status-fix-fields = 请修正突出显示的字段。
status-pick-time-first = 请先选择时间。
status-sending-request = 正在发送您的请求…
status-booking = 正在预约…
status-rate-limited = 您的网络连接尝试次数过多。请等待 { $seconds } 秒后重试。
status-rate-limited-moment = 您的网络连接尝试次数过多。请稍候片刻后重试。
status-failed = 出现问题。您填写的信息仍保留在此；请重试。
status-unreachable = 无法连接预约服务。您填写的信息仍保留在此；请重试。
status-expired-form = 此表单已过期或并非来自本网站，因此未进行任何预约。请检查您的信息后重新提交。
status-cannot-book = 该时间无法预约。请选择其他时间。

## Field errors (the form's own checks and the server's)
field-error-required = 此项为必填项
field-error-email = 必须是电子邮件地址，例如 name@example.com
field-error-timezone = 必须是 IANA 时区，例如 Asia/Shanghai
field-error-too-long = 最多 { $max } 个字符
field-error-control = 不能包含控制字符
field-error-choice = 必须是列出的选项之一
field-error-phone = 必须是电话号码，例如 +86 10 1234 5678
field-error-start = 请从提供的时间中选择一个。
field-error-invalid = 无效

## Outcome (confirmation page and the booking page after booking with the script)
outcome-confirmed-heading = 已确认
outcome-confirmed = 您的预约已确认。确认邮件正在发送给您。
outcome-requested-heading = 已收到请求
outcome-requested = 已收到请求——主持人接受后，您将收到确认邮件。
outcome-cancelled-heading = 已取消
outcome-cancelled = 此预约已取消。
outcome-declined-heading = 未被接受
outcome-declined = 主持人无法接受此请求。请选择其他时间。
outcome-expired-heading = 请求已过期
outcome-expired = 此请求未能及时得到确认。请选择其他时间。

## Confirmation page
summary-what = 内容
summary-what-value = { $title }（{ $duration }）
summary-with = 会面对象
summary-when-yours = 时间（您的时间，{ $zone }）
summary-when-host = 时间（主持人的时间，{ $zone }）
summary-where = 地点
summary-name = 姓名
summary-email = 电子邮件
summary-notes = 备注
summary-reference = 预约编号
confirmation-manage-link = 更改或取消此预约
confirmation-manage-hint = 请保存此链接；您的邮件中也有此链接。
confirmation-book-another = 预约其他时间
confirmation-book = 预约会议
contact-us = 联系我们
neutral-heading = 您的预约
neutral-message = 为保护您的隐私，此页面仅通过您预约时获得的链接显示预约详情。请打开确认邮件中的链接以查看、更改或取消预约。

## Error pages
error-back = 返回预约
error-not-found = 未找到
error-no-event = 不存在此会议类型。请从会议列表中选择。
error-no-host = 此地址下没有可预约的对象。请从会议列表中选择会议。
error-booking-not-found-heading = 未找到预约
error-booking-not-found = 我们找不到该预约。请检查链接或联系我们。
error-try-again-heading = 请重试
error-unavailable = 目前无法加载此页面。请稍后重试。
error-form-unreadable = 无法读取表单
error-not-sent = 未发送
error-automated = 此提交看起来是自动发送的，因此未被接受。如果您不是自动程序，请重试或联系我们。

## Embed script (embed.js, on the embedding site)
embed-title = 预约时间
embed-close = 关闭
