<?cs include:"mail/layout.html.cs" ?><?cs call:mail_top() ?>
<p style="margin:0 0 16px;"><?cs var:Mail.Hello ?></p>
<p style="margin:0 0 16px;"><?cs var:Lang.Retention.Mail.Intro ?></p>
<p style="margin:0 0 16px;"><strong><?cs var:Lang.Retention.Mail.When ?> <?cs var:Mail.When ?>.</strong></p>
<p style="margin:0 0 20px;"><?cs var:Lang.Retention.Mail.Keep ?></p>
<p style="margin:0 0 20px;"><a href="<?cs var:Mail.Link ?>" style="display:inline-block;background:#2f6b4f;color:#ffffff;text-decoration:none;font-weight:bold;padding:12px 22px;border-radius:6px;"><?cs var:Lang.Retention.Mail.Button ?></a></p>
<p style="margin:0;color:#5d6778;"><?cs var:Lang.Retention.Mail.Nothing ?></p>
<?cs call:mail_bottom() ?>
