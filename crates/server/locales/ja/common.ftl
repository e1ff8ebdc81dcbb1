# Shared by every visitor-facing page.
skip-to-content = コンテンツへスキップ
language-menu = 言語
footer-nav = フッター
footer-powered = openslot による予約
footer-accessibility = アクセシビリティ
duration-minutes = { $count }分
duration-hours = { $count }時間
duration-days = { $count }日
