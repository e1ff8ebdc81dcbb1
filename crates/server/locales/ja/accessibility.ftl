# The accessibility statement (GET /accessibility).
accessibility-title = Accessibility statement
accessibility-intro = { $organisation } wants everyone to be able to book a time with us, whatever their language and whatever their abilities. This statement covers the public pages of this booking site: the list of meetings, the booking page, the confirmation, the pages to change or cancel a booking, the contact form and the routing forms.
accessibility-standard-heading = The standard we aim for
accessibility-standard = These pages aim to conform to the Web Content Accessibility Guidelines (WCAG) 2.1 at level AA.
accessibility-features-heading = What you can expect
accessibility-feature-keyboard = Every step of booking works with the keyboard alone, and the focused element is always clearly marked.
accessibility-feature-screen-reader = Every control has a name that screen readers announce, and changes such as “times loaded” or “this time was just taken” are announced in your language.
accessibility-feature-languages = { $count ->
    [one] The pages are available in { $count } language.
   *[other] The pages are available in { $count } languages, including Arabic, written from right to left.
  }
accessibility-feature-no-script = Booking also works without JavaScript.
accessibility-feature-zoom = Text can be enlarged to 200% and the layout adapts to narrow screens without scrolling sideways.
accessibility-testing-heading = How we test
accessibility-testing-automated = Every state of every public page — the meeting list, the day and time lists, the form with and without errors, a time taken by someone else, the confirmation, changing and cancelling a booking, the contact form and the routing forms — is checked with axe-core in a headless Chromium browser, in English and in Arabic, on every change to the software. A change is not accepted while axe-core reports any violation of the WCAG 2.1 level A or AA rules.
accessibility-testing-keyboard = Automated tests also book a time using the keyboard only, check that every interactive element shows a visible focus indicator, and check the names screen readers announce.
accessibility-limitations-heading = Known limitations
accessibility-limitation-automated = Automated tests find many barriers, but not all of them. These pages have not yet been reviewed by an independent audit with people who use assistive technology every day.
accessibility-limitation-embedded = When the booking page is embedded in another website, the accessibility of the surrounding page is outside our control.
accessibility-limitation-admin = The administration pages for the people who run this site are available in English only.
accessibility-contact-heading = Tell us about a barrier
accessibility-contact = If something on these pages does not work for you, or you need help to book a time, please tell us. We will answer and help you book in another way.
accessibility-contact-form = Write to us with the contact form
accessibility-contact-email = Write to us by e-mail: { $address }
