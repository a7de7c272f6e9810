<?cs def:mail_top() ?><!DOCTYPE html>
<html lang="<?cs var:Page.Lang ?>">
<head><meta charset="utf-8"><title><?cs var:Shop.Name ?></title></head>
<body style="margin:0;padding:0;background:#f4f6f9;font-family:Arial,Helvetica,sans-serif;color:#1d2430;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f6f9;padding:24px 0;">
<tr><td align="center">
<table role="presentation" width="560" cellpadding="0" cellspacing="0" style="max-width:560px;width:100%;background:#ffffff;border:1px solid #dde2ea;border-radius:8px;">
<tr><td style="padding:20px 28px;border-bottom:1px solid #dde2ea;font-size:18px;font-weight:bold;"><?cs var:Shop.Name ?></td></tr>
<tr><td style="padding:24px 28px;font-size:15px;line-height:1.5;">
<?cs /def ?><?cs
# the mail's end; why, when not empty, says under the address why the
# recipient gets it ?><?cs
def:mail_bottom_why(why) ?>
</td></tr>
</table>
<p style="font-size:12px;color:#5d6778;margin:16px 0 0;"><?cs var:Lang.Mail.Footer ?> <?cs var:Mail.Recipient ?></p><?cs if:why ?>
<p style="font-size:12px;color:#5d6778;margin:8px 0 0;"><?cs var:why ?></p><?cs /if ?><?cs if:Mail.Unsubscribe ?>
<p style="font-size:12px;color:#5d6778;margin:8px 0 0;"><?cs var:Lang.Unsubscribe.Mail.FooterHtml ?> <a href="<?cs var:Mail.Unsubscribe ?>" style="color:#1d4f91;"><?cs var:Lang.Unsubscribe.Mail.Link ?></a></p><?cs elif:Mail.UnsubscribeSample ?>
<p style="font-size:12px;color:#5d6778;margin:8px 0 0;"><?cs var:Lang.Unsubscribe.Mail.FooterHtml ?> <span style="color:#1d4f91;text-decoration:underline;"><?cs var:Lang.Unsubscribe.Mail.Link ?></span> <?cs var:Lang.Mail.UnsubscribeSample ?></p><?cs /if ?>
</td></tr>
</table>
</body>
</html>
<?cs /def ?><?cs def:mail_bottom() ?><?cs call:mail_bottom_why("") ?><?cs /def ?>
