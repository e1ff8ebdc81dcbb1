# E-mails to invitees (in the booking's language) and to hosts and the ops inbox (in the
# host's language). $event is the event type's title, $when a date and time already written
# the locale's way, $name the invitee's name, $org the organisation.

## Shared by every message
email-footer = أُرسلت هذه الرسالة تلقائيًا من خدمة الحجز لدى { $org }.
email-greeting = مرحبًا { $name }،
# "Ada Lovelace (Acme Consulting)": the hosts of a booking and their organisation.
email-party = { $hosts } ({ $org })
# How a list of names is joined: "Ada، Grace وAlan".
email-names-separator = {"، "}
email-names-last = { $rest } و{ $last }
# A duration made of two units: "ساعة واحدة و30 دقيقة" ($larger and $smaller come from the
# duration-* messages).
email-duration-pair = { $larger } و{ $smaller }
email-manage-link = التغيير أو الإلغاء
email-book-again-link = احجز موعدًا آخر
email-open-booking-link = فتح الحجز
email-booking-page = صفحة الحجز
email-previously = سابقًا
email-message-label = الرسالة
email-reason-label = السبب المذكور

## The booking's details table
email-detail-what = الموضوع
email-detail-what-value = { $event } ({ $duration })
email-detail-with = مع
email-detail-when = الموعد
email-detail-where = المكان
email-detail-host-time = توقيت المضيف
email-detail-who = مقدّم الحجز
email-detail-who-zone = { $who }، المنطقة الزمنية { $zone }
email-detail-notes = ملاحظات
email-detail-reference = الرقم المرجعي

## Invitee: confirmed (with the invite)
email-confirmed-subject = تم التأكيد: { $event }، { $when }
email-confirmed-headline = تم التأكيد
email-confirmed-body = تم تأكيد حجزك مع { $party }. تتيح لك الدعوة المرفقة إضافته إلى تقويمك.

## Invitee: request received (the host still has to accept it)
email-request-received-subject = تم استلام الطلب: { $event }، { $when }
email-request-received-headline = تم استلام الطلب
email-request-received-body = شكرًا لك، لقد استلمنا طلبك. ستصلك رسالة تأكيد بالبريد الإلكتروني بمجرد أن يقبله { $org }.

## Invitee: reminder ($duration: "24 ساعة", "يوم واحد")
email-reminder-subject = تذكير: { $event }، { $when }
email-reminder-headline = تذكير
email-reminder-body = هذا تذكير بحجزك مع { $party }، والذي يبدأ بعد { $duration }.
# How soon the booking starts, for templates that say it on their own ("in 1 day").
email-reminder-lead = بعد { $duration }

## Invitee: the booking changed ($headline is one of the headlines below)
email-update-subject = { $headline }: { $event }، { $when }
email-cancelled-headline = تم الإلغاء
email-cancelled-body = تم إلغاء حجزك. أصبح الوقت متاحًا من جديد.
email-rescheduled-headline = تم تغيير الموعد
email-rescheduled-body = نُقل حجزك إلى الموعد الجديد أدناه.
email-declined-headline = لم يُقبَل الطلب
email-declined-body = للأسف، لا يستطيع { $org } الالتزام بهذا الموعد. نعتذر منك، يُرجى اختيار وقت آخر يناسبك.
email-expired-headline = انتهت صلاحية الطلب
email-expired-body = لم يُؤكَّد طلبك في الوقت المحدد، لذا انتهت صلاحيته. يُرجى اختيار وقت آخر.

## Invitation (calendar event) attached to the invitee's mail
email-invite-summary = { $event } مع { $party }
email-invite-description =
    حُجز عبر { $org }. الرقم المرجعي { $reference }.
    للتغيير أو الإلغاء: { $url }

## Hosts and ops inbox: a new booking
email-ops-booking-subject = { $requested ->
    [yes] طلب حجز جديد
   *[no] حجز جديد
  }: { $event } مع { $name }، { $when }
email-ops-booking-headline = { $requested ->
    [yes] طلب حجز جديد
   *[no] حجز جديد
  }
email-ops-booking-body = { $requested ->
    [yes] يوجد طلب حجز جديد في انتظار التأكيد.
   *[no] تم تأكيد حجز جديد.
  }
email-ops-approve = قبول
email-ops-decline = رفض

## Hosts and ops inbox: the booking changed
email-ops-update-subject = { $headline }: { $event } مع { $name }، { $when }
email-ops-cancelled-body = أُلغي الحجز من قِبل { $name }.
email-ops-rescheduled-body = نُقل الحجز إلى وقت آخر من قِبل { $name }.
email-ops-expired-body = لم يُرَدّ على هذا الطلب في الوقت المحدد فانتهت صلاحيته؛ أصبح الوقت متاحًا من جديد.

## Ops inbox: a contact-form message
email-contact-subject = نموذج التواصل: رسالة من { $name }
email-contact-headline = رسالة من نموذج التواصل
email-contact-intro = { $has_event ->
    [yes] أرسل { $sender } رسالة عبر نموذج التواصل (بخصوص { $event }):
   *[no] أرسل { $sender } رسالة عبر نموذج التواصل:
  }
email-contact-preferred-times = الأوقات التي تناسب المرسِل
email-contact-reply = للرد على المرسِل، رُدّ على هذه الرسالة.

## Hosts and ops inbox: a calendar connection ($host: the host's name; $url: the calendar's
## address; $since: when it started failing; $duration: for how long, "ساعة واحدة و30 دقيقة")
email-calendar-label = التقويم
email-calendar-connection-label = الاتصال
email-calendar-account-label = الحساب
email-calendar-last-error-label = آخر خطأ
email-calendar-failing-subject = تعطّل تقويم { $host }: { $url }
email-calendar-failing-headline = تعطّل التقويم
email-calendar-failing-body = تعذّرت قراءة أحد تقويمات { $host } بنجاح منذ { $since } (لمدة { $duration } حتى الآن).
email-calendar-failing-stale = حتى ذلك الحين تُعرض الأوقات استنادًا إلى أوقات الانشغال التي قُرئت آخر مرة، وقد لا تشمل الأحداث الجديدة (مع [calendars] on_stale = "close": لا تُعرض أوقات لـ{ $host } بعد أن تصبح هذه البيانات أقدم من stale_after_minutes).
email-calendar-failing-check = تحقّق من الاتصال في صفحة التقويمات في لوحة الإدارة. ستصلك رسالة أخرى عندما يعمل مجددًا.
email-calendar-recovered-subject = عاد تقويم { $host } إلى العمل: { $url }
email-calendar-recovered-headline = عاد التقويم إلى العمل
email-calendar-recovered-body = أصبح أحد تقويمات { $host } يُقرأ بنجاح من جديد. كان معطّلًا منذ { $since } (لمدة { $duration }).
email-calendar-recovered-last-error-label = آخر خطأ قبل عودته إلى العمل
email-calendar-recovered-fresh = أصبحت أوقات انشغاله محدَّثة من جديد.
email-calendar-reconnect-subject = يجب إعادة ربط تقويم { $host }: { $url }
email-calendar-reconnect-headline = يجب إعادة ربط التقويم
email-calendar-reconnect-body = لم يعد { $url } الخاص بـ{ $host } يسمح لـ openslot بالدخول: رفض المزوّد تسجيل الدخول في { $since }.
email-calendar-reconnect-answer-label = ردّ المزوّد
email-calendar-reconnect-stale = إلى أن يُعاد ربطه، لن تُقرأ تقويماته ولن تُكتب الحجوزات فيها؛ وتُعرض الأوقات استنادًا إلى أوقات الانشغال التي قُرئت آخر مرة (مع [calendars] on_stale = "close": لا تُعرض أوقات لـ{ $host } بعد أن تصبح هذه البيانات أقدم من stale_after_minutes).
email-calendar-reconnect-fix = لإصلاح ذلك، يفتح { $host } أو أحد المسؤولين صفحة التقويمات في لوحة الإدارة ويختار "Reconnect" بجوار الحساب. تُرسل هذه الرسالة مرة واحدة فقط.
