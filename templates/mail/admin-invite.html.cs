<?cs include:"mail/layout.html.cs" ?><?cs call:mail_top() ?>
<p style="margin:0 0 16px;"><?cs var:Mail.Hello ?></p>
<p style="margin:0 0 20px;"><strong><?cs var:Mail.Inviter ?></strong> <?cs var:Lang.Mail.Invite.Intro ?></p>
<p style="margin:0 0 24px;"><a href="<?cs var:Mail.Link ?>" style="display:inline-block;background:#2f6b4f;color:#ffffff;text-decoration:none;font-weight:bold;padding:12px 22px;border-radius:6px;"><?cs var:Lang.Mail.Invite.Button ?></a></p>
<p style="margin:0;color:#5d6778;font-size:13px;"><?cs var:Lang.Mail.Invite.Expiry ?> <?cs var:Lang.Mail.Invite.NotExpected ?></p>
<?cs call:mail_bottom() ?>
