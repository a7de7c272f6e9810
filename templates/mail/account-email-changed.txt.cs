Subject: <?cs var:Lang.Account.Mail.EmailChangedSubject ?> <?cs var:Shop.Name ?>
<?cs var:Lang.Mail.Hello ?>

<?cs var:Lang.Account.Mail.EmailChangedText ?> <?cs var:Mail.NewEmail ?>

<?cs var:Lang.Account.Mail.EmailChangedNext ?>

<?cs var:Lang.Account.Mail.EmailChangedNotYou ?>

<?cs var:Shop.Name ?>
