# Everything after booking and the other public forms: the invitee's manage page
# (/manage/…: view, move, cancel), the host's approve/decline page (/host/…), the contact
# form (/contact) and routing forms (/route/…), with the form errors those pages show.
# Text inside <a …> … </a> is a link: keep the tag, translate the words between.

## Shared by the manage and host pages
manage-optional = （选填）
manage-event-with-duration = { $event }（{ $duration }）
manage-label-what = 内容
manage-label-status = 状态
manage-status-requested = 已申请——等待主持人确认
manage-status-confirmed = 已确认
manage-status-cancelled = 已取消
manage-status-declined = 主持人未接受
manage-status-expired = 未获答复，已过期

## The invitee's manage page
manage-title = 您的预约
manage-label-with = 会面对象
manage-label-when-yours = 时间（您的时间，{ $zone }）
manage-label-when-host = 时间（主持人的时间，{ $zone }）
manage-label-where = 地点
manage-label-reference = 预约编号
manage-move-heading = 改到其他时间
manage-day-no-times = （无可用时间）
manage-pick-time = 选择新时间
manage-pick-time-on = 选择 { $day } 的新时间
manage-no-times = 这一天没有其他时间。请选择其他日期。
manage-move-submit = 更改我的预约
manage-cancel-heading = 取消
manage-cancel-reason = 原因
manage-cancel-submit = 取消我的预约
# $reason is manage-cutoff-hours or manage-cutoff-started.
manage-too-late = 此预约已无法在线更改（{ $reason }）。请<a href="/contact">联系我们</a>，我们会为您提供帮助。
manage-cutoff-hours = 开始前 { $count } 小时停止更改
manage-cutoff-started = 会议已经开始
manage-book-again = 预约其他时间
manage-questions = 有疑问？<a href="/contact">联系我们</a>。
manage-done-cancelled = 您的预约已取消。确认邮件正在发送给您。
manage-done-rescheduled = 您的预约时间已更改。更新后的邀请正通过电子邮件发送给您。
manage-slot-taken = 抱歉，该时间刚刚被其他人预约了。您的预约未作更改；请选择其他时间。
# $problem is one of the manage-problem-* sentences below.
manage-not-changed = { $problem }您的预约未作更改。
manage-problem-change-window-closed = 此预约已无法在线更改；请联系我们。
manage-problem-not-active = 此预约已无法更改。
manage-problem-slot-unavailable = 该时间已不再提供；请从提供的时间中选择一个。
manage-problem-host-unavailable = 主持人无法接受该时间；请选择其他时间。
manage-problem-event-withdrawn = 此会议类型已不再提供；请联系我们。
manage-problem-no-time = 请选择新时间。
manage-problem-generic = 操作未成功。

## Error pages of the signed links (manage and host)
link-error-not-found = 未找到预约
link-error-not-found-text = 不存在此预约。
link-error-expired = 此链接已过期
link-error-expired-text = 此链接已过期；如需更改预约，请联系我们。
link-error-invalid = 此链接无法使用
link-error-invalid-text = 此链接无效；可能输入有误或已被改动。
link-error-wrong-scope-text = 此链接不能用于该操作。
link-error-failed = 操作未成功
link-error-busy-text = 目前无法执行该操作。未作任何更改；请稍后重试。
link-error-form-text = 无法读取表单。请返回后重试。
link-error-generic-text = 出现问题。请稍后重试。

## The host's approve / decline page
host-answer-approve-heading = 接受此请求？
host-answer-decline-heading = 拒绝此请求？
host-answer-label-host = 主持人
host-answer-label-when = 时间（{ $zone }）
host-answer-label-who = 预约人
host-answer-who = { $name } <{ $email }>
host-answer-who-zone = { $name } <{ $email }>，时区 { $zone }
host-answer-label-notes = 备注
host-answer-message = 给 { $name } 的留言
host-answer-approve-submit = 接受此请求
host-answer-decline-submit = 拒绝此请求
host-answer-approved = 已接受。受邀人将收到附带日历邀请的确认邮件。
host-answer-already-approved = 此请求已被接受。
host-answer-declined = 已拒绝。已通知受邀人并请其选择其他时间。
host-answer-already-declined = 此请求已被拒绝。

## The contact page
contact-title = 联系
contact-heading = 联系我们
contact-intro = 找不到合适的时间？告诉我们您方便的时间，我们会通过电子邮件回复您。
contact-name = 姓名
contact-email = 电子邮件
contact-message = 留言
contact-preferred-times = 您方便的时间
contact-honeypot = 请将此字段留空
contact-submit = 发送留言
contact-sent-heading = 留言已发送
contact-sent-text = 谢谢！我们已收到您的留言，将通过电子邮件回复您。
contact-back = 返回预约
contact-expired = 此表单已过期或并非来自本网站，因此未发送。请重新发送。

## Routing forms
routing-choose = 请选择…
routing-submit = 继续
routing-contact = 更想直接联系我们？<a href="/contact">给我们留言</a>。
routing-expired = 此表单已过期或并非来自本网站。请检查您的回答后重新提交。

## Form posts of these pages
form-fix-fields = 请修正突出显示的字段。
form-invalid = 提交的部分内容缺失或无效。请返回检查。
form-not-found = 未找到
form-not-found-routing = 不存在此表单。请改为从列表中选择会议。
form-unreadable = 无法读取表单
form-not-sent = 未发送
form-automated = 此提交看起来是自动发送的，因此未被接受。如果您不是自动程序，请重试。
form-try-again = 请重试
form-too-many = 尝试次数过多
form-too-many-text = 您的网络连接尝试次数过多。请等待 { $seconds } 秒后重试。

## What is wrong with one field (shown under it)
field-problem-required = 此项为必填项
field-problem-too-long = 最多 { $max } 个字符
field-problem-control-characters = 不能包含控制字符
field-problem-not-text = 必须是文本
field-problem-email = 必须是电子邮件地址，例如 name@example.com
field-problem-timezone = 必须是 IANA 时区，例如 Asia/Shanghai
field-problem-choice = 必须是列出的选项之一
field-problem-phone = 必须是电话号码，例如 +86 10 1234 5678
