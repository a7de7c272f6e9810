<?cs include:"mail/layout.html.cs" ?><?cs call:mail_top() ?>
<p style="margin:0 0 16px;"><?cs var:Mail.Hello ?></p>
<p style="margin:0 0 16px;"><?cs var:Lang.Account.Mail.EmailChangedText ?> <strong><?cs var:Mail.NewEmail ?></strong></p>
<p style="margin:0 0 16px;"><?cs var:Lang.Account.Mail.EmailChangedNext ?></p>
<p style="margin:0 0 8px;color:#5d6778;font-size:13px;"><?cs if:Mail.ShopReads ?><?cs var:Lang.Account.Mail.EmailChangedNotYou ?><?cs else ?><?cs var:Lang.Account.Mail.EmailChangedNotYouNoReply ?><?cs /if ?></p>
<?cs call:mail_bottom() ?>
