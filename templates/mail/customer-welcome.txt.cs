Subject: <?cs var:Lang.Mail.Welcome.Subject ?> <?cs var:Shop.Name ?>
<?cs var:Mail.Hello ?>

<?cs var:Lang.Mail.Welcome.Intro ?>

<?cs var:Lang.Mail.Welcome.SignIn ?>
<?cs var:Mail.Link ?>

<?cs var:Shop.Name ?>
