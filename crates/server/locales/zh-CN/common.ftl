# Shared by every visitor-facing page.
skip-to-content = 跳到主要内容
language-menu = 语言
footer-nav = 页脚
footer-powered = 由 openslot 提供预约服务
footer-accessibility = 无障碍
duration-minutes = { $count } 分钟
duration-hours = { $count } 小时
duration-days = { $count } 天
