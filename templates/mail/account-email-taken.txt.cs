Subject: <?cs var:Lang.Account.Mail.EmailTakenSubject ?> <?cs var:Shop.Name ?>
<?cs var:Mail.Hello ?>

<?cs var:Lang.Account.Mail.EmailTakenIntro ?>

<?cs var:Lang.Account.Mail.EmailTakenText ?>

<?cs var:Mail.Link ?>

<?cs var:Lang.Account.Mail.EmailTakenNotYou ?>

<?cs var:Shop.Name ?>
