Subject: <?cs var:Lang.Signup.Mail.AdminWaiting.Subject ?> <?cs var:Shop.Name ?>
<?cs var:Mail.Hello ?>

<?cs var:Lang.Signup.Mail.AdminWaiting.Intro ?>

<?cs var:Lang.Signup.Mail.AdminWaiting.Name ?> <?cs var:Mail.FirstName ?> <?cs var:Mail.LastName ?>
<?cs var:Lang.Signup.Mail.AdminWaiting.Email ?> <?cs var:Mail.Email ?>
<?cs if:Mail.Message ?><?cs var:Lang.Signup.Mail.AdminWaiting.Message ?>
<?cs var:Mail.Message ?>
<?cs /if ?>
<?cs var:Lang.Signup.Mail.AdminWaiting.See ?>
<?cs var:Mail.Link ?>

<?cs var:Shop.Name ?>
