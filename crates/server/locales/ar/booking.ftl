# The booking flow: meeting list, host page, booking page (and its script), confirmation,
# error pages. Placeholders: $org organisation, $host / $names host names, $zone an IANA
# time-zone name (e.g. Europe/London), $day a written-out day, $count / $days / $seconds numbers.

## Names in a sentence: "Ada وGrace", "Ada، Grace وAlan".
names-separator = {"، "}
names-and = { $first } و{ $last }

## Meeting list (/) and a host's page (/with/…)
home-title = احجز موعدًا
host-title = احجز موعدًا مع { $host }
host-intro = احجز موعدًا مع { $host } في { $org }.
home-choose = اختر اجتماعًا
event-with = مع { $names }
home-empty = لا توجد اجتماعات متاحة للحجز حاليًا.
host-empty = لا توجد لدى { $host } اجتماعات متاحة للحجز حاليًا.
home-routing = لست متأكدًا أيها تختار؟
home-fallback = لم تجد ما تحتاج إليه؟
home-fallback-link = أرسل إلينا رسالة

## Booking page
book-with = مع { $names }
book-request-mode = يؤكد المضيف كل طلب بنفسه
tz-label = تُعرض الأوقات بتوقيت
tz-change = تغيير
tz-host-hint = المنطقة الزمنية للمضيف هي { $zone }.
days-heading = 1. اختر يومًا
day-no-times = (لا توجد أوقات)
no-times-window = { $days ->
    [zero] لا توجد أوقات متاحة في الأيام القادمة.
    [one] لا توجد أوقات متاحة خلال اليوم القادم.
    [two] لا توجد أوقات متاحة خلال اليومين القادمين.
    [few] لا توجد أوقات متاحة خلال الأيام الـ{ $days } القادمة.
    [many] لا توجد أوقات متاحة خلال الـ{ $days } يومًا القادمة.
   *[other] لا توجد أوقات متاحة خلال الـ{ $days } يوم القادمة.
  }
no-times-booking-window = لا توجد أوقات متاحة في فترة الحجز هذه.
contact-find-time = تواصل معنا لتحديد موعد
times-legend = 2. اختر وقتًا
times-legend-on = 2. اختر وقتًا يوم { $day }
times-empty = لم تتبقَّ أوقات في هذا اليوم. يُرجى اختيار يوم آخر.
time-host-title = { $time } بتوقيت المضيف ({ $zone })
details-legend = 3. بياناتك
field-name = الاسم
field-email = البريد الإلكتروني
field-notes = هل هناك ما يجب أن نعرفه؟
field-optional = (اختياري)
field-choose = اختر…
field-honeypot = اترك هذا الحقل فارغًا
submit-book = تأكيد الحجز
submit-request = طلب هذا الموعد
book-fallback = لا يناسبك أيٌّ من هذه الأوقات؟
book-fallback-link = أرسل إلينا رسالة بالأوقات التي تناسبك
# Times in the day buttons' accessible names: "الثلاثاء، 1 ديسمبر، 3 أوقات".
# Read after a day button's visible text by screen readers (the button's name must contain
# what it shows), so it starts with its own separator.
day-times-count = ، { $count ->
    [zero] لا توجد أوقات
    [one] وقت واحد
    [two] وقتان
    [few] { $count } أوقات
    [many] { $count } وقتًا
   *[other] { $count } وقت
  }

## Status line of the booking page
status-loading = جارٍ تحميل الأوقات المتاحة…
status-taken-refreshing = عذرًا، حجز شخص آخر هذا الوقت للتو. جارٍ تحديث الأوقات…
status-taken = عذرًا، حجز شخص آخر هذا الوقت للتو. يُرجى اختيار وقت آخر.
status-taken-kept = عذرًا، حجز شخص آخر هذا الوقت للتو. يُرجى اختيار وقت آخر؛ بياناتك محفوظة.
status-gone-refreshing = لم يعد هذا الوقت متاحًا. جارٍ تحديث الأوقات…
status-gone = لم يعد هذا الوقت متاحًا. يُرجى اختيار وقت آخر.
status-load-failed = تعذّر تحميل الأوقات المتاحة. يُرجى التحقق من اتصالك والمحاولة مرة أخرى.
status-try-again = أعد المحاولة
status-fix-fields = يُرجى تصحيح الحقول المميزة.
status-pick-time-first = يُرجى اختيار وقت أولًا.
status-sending-request = جارٍ إرسال طلبك…
status-booking = جارٍ الحجز…
status-rate-limited = { $seconds ->
    [zero] محاولات كثيرة جدًا من اتصالك. يُرجى الانتظار قليلًا ثم المحاولة مرة أخرى.
    [one] محاولات كثيرة جدًا من اتصالك. يُرجى الانتظار ثانية واحدة ثم المحاولة مرة أخرى.
    [two] محاولات كثيرة جدًا من اتصالك. يُرجى الانتظار ثانيتين ثم المحاولة مرة أخرى.
    [few] محاولات كثيرة جدًا من اتصالك. يُرجى الانتظار { $seconds } ثوانٍ ثم المحاولة مرة أخرى.
    [many] محاولات كثيرة جدًا من اتصالك. يُرجى الانتظار { $seconds } ثانية ثم المحاولة مرة أخرى.
   *[other] محاولات كثيرة جدًا من اتصالك. يُرجى الانتظار { $seconds } ثانية ثم المحاولة مرة أخرى.
  }
status-rate-limited-moment = محاولات كثيرة جدًا من اتصالك. يُرجى الانتظار لحظة ثم المحاولة مرة أخرى.
status-failed = حدث خطأ ما. بياناتك لا تزال هنا؛ يُرجى المحاولة مرة أخرى.
status-unreachable = تعذّر الوصول إلى خدمة الحجز. بياناتك لا تزال هنا؛ يُرجى المحاولة مرة أخرى.
status-expired-form = انتهت صلاحية هذا النموذج أو لم يُرسَل من هذا الموقع، لذا لم يُحجز أي شيء. يُرجى مراجعة بياناتك وإرساله مرة أخرى.
status-cannot-book = لا يمكن حجز هذا الوقت. يُرجى اختيار وقت آخر.

## Field errors (the form's own checks and the server's)
field-error-required = هذا الحقل مطلوب
field-error-email = يجب أن يكون عنوان بريد إلكتروني مثل name@example.com
field-error-timezone = يجب أن تكون منطقة زمنية وفق IANA مثل Asia/Riyadh
field-error-too-long = { $max ->
    [zero] يجب ألا يتجاوز { $max } حرف
    [one] يجب ألا يتجاوز حرفًا واحدًا
    [two] يجب ألا يتجاوز حرفين
    [few] يجب ألا يتجاوز { $max } أحرف
    [many] يجب ألا يتجاوز { $max } حرفًا
   *[other] يجب ألا يتجاوز { $max } حرف
  }
field-error-control = يجب ألا يحتوي على أحرف تحكم
field-error-choice = يجب أن يكون أحد الخيارات المدرجة
field-error-phone = يجب أن يكون رقم هاتف مثل ‎+966 11 123 4567
field-error-start = يُرجى اختيار أحد الأوقات المعروضة.
field-error-invalid = القيمة غير صالحة

## Outcome (confirmation page and the booking page after booking with the script)
outcome-confirmed-heading = تم التأكيد
outcome-confirmed = تم تأكيد حجزك. رسالة التأكيد في طريقها إلى بريدك الإلكتروني.
outcome-requested-heading = تم استلام الطلب
outcome-requested = تم استلام طلبك، وستصلك رسالة تأكيد بالبريد الإلكتروني بمجرد قبول المضيف له.
outcome-cancelled-heading = تم الإلغاء
outcome-cancelled = تم إلغاء هذا الحجز.
outcome-declined-heading = لم يُقبَل الطلب
outcome-declined = لم يتمكن المضيف من قبول هذا الطلب. يُرجى اختيار وقت آخر.
outcome-expired-heading = انتهت صلاحية الطلب
outcome-expired = لم يُؤكَّد هذا الطلب في الوقت المحدد. يُرجى اختيار وقت آخر.

## Confirmation page
summary-what = الموضوع
summary-what-value = { $title } ({ $duration })
summary-with = مع
summary-when-yours = الموعد (بتوقيتك، { $zone })
summary-when-host = الموعد (بتوقيت المضيف، { $zone })
summary-where = المكان
summary-name = الاسم
summary-email = البريد الإلكتروني
summary-notes = ملاحظات
summary-reference = الرقم المرجعي
confirmation-manage-link = تغيير هذا الحجز أو إلغاؤه
confirmation-manage-hint = احتفظ بهذا الرابط؛ فهو موجود أيضًا في رسالة بريدك الإلكتروني.
confirmation-book-another = احجز موعدًا آخر
confirmation-book = احجز اجتماعًا
contact-us = اتصل بنا
neutral-heading = حجزك
neutral-message = حفاظًا على خصوصيتك، لا تعرض هذه الصفحة تفاصيل الحجز إلا عبر الرابط الذي حصلت عليه عند الحجز. افتح الرابط الموجود في رسالة التأكيد لعرض الحجز أو تغييره أو إلغائه.

## Error pages
error-back = العودة إلى الحجز
error-not-found = غير موجود
error-no-event = لا يوجد نوع اجتماع بهذا الاسم. اختر واحدًا من قائمة الاجتماعات.
error-no-host = لا يوجد أحد يمكن الحجز معه على هذا العنوان. اختر اجتماعًا من قائمة الاجتماعات.
error-booking-not-found-heading = الحجز غير موجود
error-booking-not-found = تعذّر العثور على هذا الحجز. تحقق من الرابط أو تواصل معنا.
error-try-again-heading = يُرجى المحاولة مرة أخرى
error-unavailable = تعذّر تحميل هذه الصفحة الآن. يُرجى المحاولة مرة أخرى بعد قليل.
error-form-unreadable = تعذّرت قراءة النموذج
error-not-sent = لم يُرسَل
error-automated = بدا هذا الإرسال آليًا، لذا لم يُقبل. إن لم تكن برنامجًا آليًا، يُرجى المحاولة مرة أخرى أو التواصل معنا.

## Embed script (embed.js, on the embedding site)
embed-title = احجز موعدًا
embed-close = إغلاق
