<?cs include:"mail/layout.html.cs" ?><?cs call:mail_top() ?>
<p style="margin:0 0 16px;"><?cs var:Mail.Hello ?></p>
<p style="margin:0 0 16px;"><?cs var:Lang.Account.Mail.DeletedText ?></p>
<p style="margin:0 0 4px;"><?cs var:Lang.Account.Mail.DeletedWho ?> <strong><?cs if:Mail.CustomerName ?><?cs var:Mail.CustomerName ?>, <?cs /if ?><?cs var:Mail.CustomerEmail ?></strong> (<?cs var:Lang.Account.Mail.DeletedNumber ?> <?cs var:Mail.CustomerId ?>)</p>
<p style="margin:0 0 16px;"><?cs var:Lang.Account.Mail.DeletedWhen ?> <?cs var:Mail.When ?></p>
<p style="margin:0 0 16px;"><?cs var:Lang.Account.Mail.DeletedWhat ?></p>
<p style="margin:0 0 8px;color:#5d6778;font-size:13px;"><?cs var:Lang.Account.Mail.DeletedWhy ?></p>
<?cs call:mail_bottom() ?>
