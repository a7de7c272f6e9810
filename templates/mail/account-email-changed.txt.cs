Subject: <?cs var:Lang.Account.Mail.EmailChangedSubject ?> <?cs var:Shop.Name ?>
<?cs var:Mail.Hello ?>

<?cs var:Lang.Account.Mail.EmailChangedText ?> <?cs var:Mail.NewEmail ?>

<?cs var:Lang.Account.Mail.EmailChangedNext ?>

<?cs if:Mail.ShopReads ?><?cs var:Lang.Account.Mail.EmailChangedNotYou ?><?cs else ?><?cs var:Lang.Account.Mail.EmailChangedNotYouNoReply ?><?cs /if ?>

<?cs var:Shop.Name ?>
