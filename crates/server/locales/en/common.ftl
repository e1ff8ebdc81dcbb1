# Shared by every visitor-facing page.
skip-to-content = Skip to content
language-menu = Language
footer-nav = Footer
footer-powered = Scheduling by openslot
footer-accessibility = Accessibility
duration-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
  }
duration-hours = { $count ->
    [one] { $count } hour
   *[other] { $count } hours
  }
duration-days = { $count ->
    [one] { $count } day
   *[other] { $count } days
  }
