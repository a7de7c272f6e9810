<?cs include:"mail/layout.html.cs" ?><?cs call:mail_top() ?>
<p style="margin:0 0 16px;"><?cs var:Mail.Hello ?></p>
<p style="margin:0 0 16px;"><?cs var:Lang.Signup.Mail.Refused.Intro ?></p>
<?cs if:Mail.Reason ?><p style="margin:0 0 16px;"><?cs var:Lang.Signup.Mail.Refused.Reason ?> <?cs var:Mail.Reason ?></p><?cs /if ?>
<p style="margin:0 0 8px;"><?cs var:Lang.Signup.Mail.Refused.Erased ?></p>
<?cs call:mail_bottom() ?>
