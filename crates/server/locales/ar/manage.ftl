# Everything after booking and the other public forms: the invitee's manage page
# (/manage/…: view, move, cancel), the host's approve/decline page (/host/…), the contact
# form (/contact) and routing forms (/route/…), with the form errors those pages show.
# Text inside <a …> … </a> is a link: keep the tag, translate the words between.

## Shared by the manage and host pages
manage-optional = (اختياري)
manage-event-with-duration = { $event } ({ $duration })
manage-label-what = الموضوع
manage-label-status = الحالة
manage-status-requested = تم تقديم الطلب، في انتظار تأكيد المضيف
manage-status-confirmed = مؤكَّد
manage-status-cancelled = ملغى
manage-status-declined = لم يقبله المضيف
manage-status-expired = انتهت صلاحيته دون رد

## The invitee's manage page
manage-title = حجزك
manage-label-with = مع
manage-label-when-yours = الموعد (بتوقيتك، { $zone })
manage-label-when-host = الموعد (بتوقيت المضيف، { $zone })
manage-label-where = المكان
manage-label-reference = الرقم المرجعي
manage-move-heading = النقل إلى وقت آخر
manage-day-no-times = (لا توجد أوقات)
manage-pick-time = اختر وقتًا جديدًا
manage-pick-time-on = اختر وقتًا جديدًا يوم { $day }
manage-no-times = لا توجد أوقات أخرى في هذا اليوم. يُرجى اختيار يوم آخر.
manage-move-submit = نقل حجزي
manage-cancel-heading = الإلغاء
manage-cancel-reason = السبب
manage-cancel-submit = إلغاء حجزي
# $reason is manage-cutoff-hours or manage-cutoff-started.
manage-too-late = فات أوان تغيير هذا الحجز عبر الإنترنت ({ $reason }). يُرجى <a href="/contact">التواصل معنا</a> وسنساعدك.
manage-cutoff-hours = { $count ->
    [zero] تُغلق التغييرات قبل { $count } ساعة من البدء
    [one] تُغلق التغييرات قبل ساعة واحدة من البدء
    [two] تُغلق التغييرات قبل ساعتين من البدء
    [few] تُغلق التغييرات قبل { $count } ساعات من البدء
    [many] تُغلق التغييرات قبل { $count } ساعة من البدء
   *[other] تُغلق التغييرات قبل { $count } ساعة من البدء
  }
manage-cutoff-started = بدأ الاجتماع
manage-book-again = احجز موعدًا آخر
manage-questions = لديك أسئلة؟ <a href="/contact">اتصل بنا</a>.
manage-done-cancelled = تم إلغاء حجزك. رسالة التأكيد في طريقها إلى بريدك الإلكتروني.
manage-done-rescheduled = تم نقل حجزك. دعوة محدَّثة في طريقها إلى بريدك الإلكتروني.
manage-slot-taken = عذرًا، حجز شخص آخر هذا الوقت للتو. لم يتغير حجزك؛ يُرجى اختيار وقت آخر.
# $problem is one of the manage-problem-* sentences below.
manage-not-changed = { $problem } لم يتغير حجزك.
manage-problem-change-window-closed = فات أوان تغيير هذا الحجز عبر الإنترنت؛ يُرجى التواصل معنا.
manage-problem-not-active = لم يعد بالإمكان تغيير هذا الحجز.
manage-problem-slot-unavailable = لم يعد هذا الوقت معروضًا؛ اختر أحد الأوقات المعروضة.
manage-problem-host-unavailable = لا يستطيع المضيف قبول هذا الوقت؛ اختر وقتًا آخر.
manage-problem-event-withdrawn = لم يعد نوع الاجتماع هذا متاحًا؛ يُرجى التواصل معنا.
manage-problem-no-time = اختر وقتًا جديدًا.
manage-problem-generic = لم تنجح العملية.

## Error pages of the signed links (manage and host)
link-error-not-found = الحجز غير موجود
link-error-not-found-text = لا يوجد حجز كهذا.
link-error-expired = انتهت صلاحية هذا الرابط
link-error-expired-text = انتهت صلاحية هذا الرابط؛ تواصل معنا إذا كنت بحاجة إلى تغيير حجزك.
link-error-invalid = هذا الرابط لا يعمل
link-error-invalid-text = هذا الرابط غير صالح؛ ربما كُتب بشكل خاطئ أو عُدِّل.
link-error-wrong-scope-text = لا يمكن استخدام هذا الرابط لهذا الإجراء.
link-error-failed = لم تنجح العملية
link-error-busy-text = تعذّر تنفيذ ذلك الآن. لم يتغير شيء؛ يُرجى المحاولة مرة أخرى بعد قليل.
link-error-form-text = تعذّرت قراءة النموذج. يُرجى الرجوع والمحاولة مرة أخرى.
link-error-generic-text = حدث خطأ ما. يُرجى المحاولة مرة أخرى بعد قليل.

## The host's approve / decline page
host-answer-approve-heading = هل تريد قبول هذا الطلب؟
host-answer-decline-heading = هل تريد رفض هذا الطلب؟
host-answer-label-host = المضيف
host-answer-label-when = الموعد ({ $zone })
host-answer-label-who = مقدّم الطلب
host-answer-who = { $name } <{ $email }>
host-answer-who-zone = { $name } <{ $email }>، المنطقة الزمنية { $zone }
host-answer-label-notes = ملاحظات
host-answer-message = رسالة إلى { $name }
host-answer-approve-submit = قبول هذا الطلب
host-answer-decline-submit = رفض هذا الطلب
host-answer-approved = تم القبول. سيتلقى المدعو تأكيدًا مع دعوة تقويم.
host-answer-already-approved = سبق قبول هذا الطلب.
host-answer-declined = تم الرفض. أُبلغ المدعو ودُعي إلى اختيار وقت آخر.
host-answer-already-declined = سبق رفض هذا الطلب.

## The contact page
contact-title = التواصل
contact-heading = اتصل بنا
contact-intro = لم تجد وقتًا مناسبًا؟ أخبرنا بالأوقات التي تناسبك وسنرد عليك بالبريد الإلكتروني.
contact-name = الاسم
contact-email = البريد الإلكتروني
contact-message = الرسالة
contact-preferred-times = الأوقات التي تناسبك
contact-honeypot = اترك هذا الحقل فارغًا
contact-submit = إرسال الرسالة
contact-sent-heading = تم إرسال الرسالة
contact-sent-text = شكرًا لك، وصلتنا رسالتك وسنرد عليك بالبريد الإلكتروني.
contact-back = العودة إلى الحجز
contact-expired = انتهت صلاحية هذا النموذج أو لم يُرسَل من هذا الموقع، لذا لم يُرسَل. يُرجى إرساله مرة أخرى.

## Routing forms
routing-choose = اختر…
routing-submit = متابعة
routing-contact = تفضّل مراسلتنا؟ <a href="/contact">أرسل إلينا رسالة</a>.
routing-expired = انتهت صلاحية هذا النموذج أو لم يُرسَل من هذا الموقع. يُرجى مراجعة إجاباتك وإرساله مرة أخرى.

## Form posts of these pages
form-fix-fields = يُرجى تصحيح الحقول المميزة.
form-invalid = بعض ما أُرسل مفقود أو غير صالح. يُرجى الرجوع والتحقق منه.
form-not-found = غير موجود
form-not-found-routing = لا يوجد نموذج كهذا. اختر اجتماعًا من القائمة بدلًا من ذلك.
form-unreadable = تعذّرت قراءة النموذج
form-not-sent = لم يُرسَل
form-automated = بدا هذا الإرسال آليًا، لذا لم يُقبل. إن لم تكن برنامجًا آليًا، يُرجى المحاولة مرة أخرى.
form-try-again = يُرجى المحاولة مرة أخرى
form-too-many = محاولات كثيرة جدًا
form-too-many-text = { $seconds ->
    [zero] محاولات كثيرة جدًا من اتصالك. يُرجى الانتظار قليلًا ثم المحاولة مرة أخرى.
    [one] محاولات كثيرة جدًا من اتصالك. يُرجى الانتظار ثانية واحدة ثم المحاولة مرة أخرى.
    [two] محاولات كثيرة جدًا من اتصالك. يُرجى الانتظار ثانيتين ثم المحاولة مرة أخرى.
    [few] محاولات كثيرة جدًا من اتصالك. يُرجى الانتظار { $seconds } ثوانٍ ثم المحاولة مرة أخرى.
    [many] محاولات كثيرة جدًا من اتصالك. يُرجى الانتظار { $seconds } ثانية ثم المحاولة مرة أخرى.
   *[other] محاولات كثيرة جدًا من اتصالك. يُرجى الانتظار { $seconds } ثانية ثم المحاولة مرة أخرى.
  }

## What is wrong with one field (shown under it)
field-problem-required = هذا الحقل مطلوب
field-problem-too-long = { $max ->
    [zero] يجب ألا يتجاوز { $max } حرف
    [one] يجب ألا يتجاوز حرفًا واحدًا
    [two] يجب ألا يتجاوز حرفين
    [few] يجب ألا يتجاوز { $max } أحرف
    [many] يجب ألا يتجاوز { $max } حرفًا
   *[other] يجب ألا يتجاوز { $max } حرف
  }
field-problem-control-characters = يجب ألا يحتوي على أحرف تحكم
field-problem-not-text = يجب أن يكون نصًا
field-problem-email = يجب أن يكون عنوان بريد إلكتروني مثل name@example.com
field-problem-timezone = يجب أن تكون منطقة زمنية وفق IANA مثل Asia/Riyadh
field-problem-choice = يجب أن يكون أحد الخيارات المدرجة
field-problem-phone = يجب أن يكون رقم هاتف مثل ‎+966 11 123 4567
