<?cs include:"mail/layout.html.cs" ?><?cs call:mail_top() ?>
<p style="margin:0 0 16px;"><?cs var:Mail.Hello ?></p>
<p style="margin:0 0 16px;"><?cs var:Lang.Signup.Mail.AdminWaiting.Intro ?></p>
<p style="margin:0 0 8px;"><?cs var:Lang.Signup.Mail.AdminWaiting.Name ?> <strong><?cs var:Mail.FirstName ?> <?cs var:Mail.LastName ?></strong></p>
<p style="margin:0 0 8px;"><?cs var:Lang.Signup.Mail.AdminWaiting.Email ?> <?cs var:Mail.Email ?></p>
<?cs if:Mail.Message ?><p style="margin:0 0 4px;"><?cs var:Lang.Signup.Mail.AdminWaiting.Message ?></p>
<p style="margin:0 0 16px;white-space:pre-line;border-left:3px solid #dde2ea;padding-left:10px;"><?cs var:Mail.Message ?></p><?cs /if ?>
<p style="margin:0 0 8px;"><a href="<?cs var:Mail.Link ?>" style="display:inline-block;background:#2f6b4f;color:#ffffff;text-decoration:none;font-weight:bold;padding:12px 22px;border-radius:6px;"><?cs var:Lang.Signup.Mail.AdminWaiting.Button ?></a></p>
<?cs call:mail_bottom() ?>
