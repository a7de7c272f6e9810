Subject: <?cs var:Lang.Account.Mail.EmailConfirmSubject ?> <?cs var:Shop.Name ?>
<?cs var:Mail.Hello ?>

<?cs var:Lang.Account.Mail.EmailConfirmIntro ?> <?cs var:Mail.NewEmail ?>

<?cs var:Lang.Account.Mail.EmailConfirmText ?>

<?cs var:Mail.Link ?>

<?cs var:Lang.Account.Mail.EmailConfirmExpiry ?>
<?cs var:Lang.Account.Mail.NotYou ?>

<?cs var:Shop.Name ?>
