<?cs include:"mail/layout.html.cs" ?><?cs call:mail_top() ?>
<p style="margin:0 0 16px;"><?cs var:Mail.Hello ?></p>
<p style="margin:0 0 16px;"><?cs var:Lang.Account.Mail.EmailTakenIntro ?></p>
<p style="margin:0 0 20px;"><?cs var:Lang.Account.Mail.EmailTakenHtml ?></p>
<p style="margin:0 0 24px;"><a href="<?cs var:Mail.Link ?>" style="display:inline-block;background:#2f6b4f;color:#ffffff;text-decoration:none;font-weight:bold;padding:12px 22px;border-radius:6px;"><?cs var:Lang.Account.Mail.EmailTakenButton ?></a></p>
<p style="margin:0;color:#5d6778;font-size:13px;"><?cs var:Lang.Account.Mail.EmailTakenNotYou ?></p>
<?cs call:mail_bottom() ?>
